// Issue 16, items 4 and 5 (the Node half): document rooms on the Node adapter, with the document engine
// the Durable Object runs. A stock y-websocket client syncs with the SDK; every edit the SDK reported
// `saved` is back after a SIGKILL of the server; an operator inspects a room and kicks a user.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type DocProvider } from "../../../client-sdk/index.ts";
import { devToken, SECRETS, startNodeProcess, stopNodeProcess, type NodeProcess } from "./nodeProcess.ts";

const PORT = 8874;
const dataDir = mkdtempSync(join(tmpdir(), "edgeroom-node-docs-"));
let server: NodeProcess;

beforeAll(async () => {
  server = await startNodeProcess(PORT, dataDir, "builtin");
}, 30_000);
afterAll(async () => {
  if (server) await stopNodeProcess(server);
  rmSync(dataDir, { recursive: true, force: true });
});

function sdk(sub: string) {
  return createClient({ baseUrl: server.url, getToken: () => devToken(server.url, sub, "doc/*", "editor"), reconnect: { minDelayMs: 100, maxDelayMs: 500 } });
}

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" } });

describe("document rooms on the Node adapter", () => {
  it("a stock y-websocket client and an SDK client edit one room and converge", async () => {
    const room = "stock-room";
    const token = await devToken(server.url, "stock", `doc/${room}`, "editor");
    const stockDoc = new Y.Doc();
    const stock = new WebsocketProvider(`${server.url.replace("http", "ws")}/v1/doc`, room, stockDoc, { params: { token }, WebSocketPolyfill: WebSocket, disableBc: true });
    const client = sdk("sdk").doc(room);
    try {
      await eventually(() => stock.synced, "the stock client's sync");
      await client.whenStatus("saved");
      stockDoc.getText("t").insert(0, "from stock. ");
      client.doc.getText("t").insert(0, "from sdk. ");
      const texts = () => [stockDoc.getText("t").toString(), client.doc.getText("t").toString()];
      await eventually(() => texts()[0] === texts()[1] && texts()[0]!.length === "from stock. from sdk. ".length, "convergence");
      await client.whenStatus("saved");
    } finally {
      stock.destroy();
      client.destroy();
    }
  });

  it("every edit the SDK reported saved is back after a SIGKILL of the server", async () => {
    const room = "kill-room";
    const writer = sdk("writer").doc(room);
    await writer.whenStatus("saved");
    for (let i = 0; i < 20; i += 1) writer.doc.getArray<number>("edits").push([i]);
    await writer.whenStatus("saved");
    const saved = writer.doc.getArray<number>("edits").toArray();
    await stopNodeProcess(server, "SIGKILL");
    writer.destroy();
    server = await startNodeProcess(PORT, dataDir, "builtin");
    const reader: DocProvider = sdk("reader").doc(room);
    try {
      await reader.whenStatus("synced");
      expect(reader.doc.getArray<number>("edits").toArray()).toEqual(saved);
      expect(saved).toHaveLength(20);
    } finally {
      reader.destroy();
    }
  }, 30_000);

  it("an operator finds a room in the listing, inspects it and kicks a user, who is closed with 4403", async () => {
    const room = "admin-room";
    const target = sdk("target").doc(room);
    await target.whenStatus("saved");
    const inspected = await admin(`/v1/admin/rooms/doc/${room}`);
    expect(inspected.status).toBe(200);
    const details = (await inspected.json()) as { connectionList?: { user: string }[] };
    expect(details.connectionList?.map((connection) => connection.user)).toEqual(["target"]);
    // The room's alarm reports it to the directory (D1 on node:sqlite), which the admin listing reads.
    const listed = async () => ((await (await admin("/v1/admin/rooms")).json()) as { rooms: { room: string }[] }).rooms.map((entry) => entry.room);
    const deadline = Date.now() + 15_000;
    while (!(await listed()).includes(`doc/${room}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await listed()).toContain(`doc/${room}`);
    const kicked = await admin(`/v1/admin/rooms/doc/${room}/kick`, { method: "POST", body: JSON.stringify({ userId: "target", reason: "removed by an operator" }) });
    expect(await kicked.json()).toEqual({ kicked: 1 });
    await target.whenStatus("closed").catch(() => {});
    expect(target.closeReason?.code).toBe(4403);
    expect((await admin("/v1/admin/rooms/doc/no-such-room")).status).toBe(404);
  }, 30_000);
});
