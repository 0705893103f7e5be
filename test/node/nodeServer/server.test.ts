// Issue 16, item 4: one Node process serves the Worker's HTTP and WebSocket contracts. The server runs
// as a child process (SIGKILL is part of the test); document rooms run a stand-in engine here, which
// stores each message and acknowledges it through afterDurable.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devToken, messages, opened, rawRequest, SECRETS, startNodeProcess, stopNodeProcess, type NodeProcess } from "./nodeProcess.ts";

const PORT = 8872;
const dataDir = mkdtempSync(join(tmpdir(), "edgeroom-node-server-"));
let server: NodeProcess;

beforeAll(async () => {
  server = await startNodeProcess(PORT, dataDir, "notes");
}, 30_000);
afterAll(async () => {
  if (server) await stopNodeProcess(server);
  rmSync(dataDir, { recursive: true, force: true });
});

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json", ...init.headers } });

describe("the Node adapter over HTTP", () => {
  it("answers health, development tokens (loopback only), leaderboards and the admin listing", async () => {
    expect(await (await fetch(`${server.url}/v1/health`)).json()).toMatchObject({ status: "ok", service: "edgeroom" });
    expect(await devToken(server.url, "u1", "doc/r1", "editor")).toMatch(/^ey/);
    const body = JSON.stringify({ sub: "u1", room: "doc/r1", role: "editor" });
    const spoofed = await rawRequest(server.url, "POST", "/v1/dev/token", { Host: "evil.example", "Content-Type": "application/json" }, body);
    expect(spoofed.status).toBe(403);
    // A client a local reverse proxy relays is that client, not loopback: no development token for it.
    const relays: Record<string, string>[] = [{ "CF-Connecting-IP": "203.0.113.9" }, { "X-Forwarded-For": "127.0.0.1, 203.0.113.9" }];
    for (const relayed of relays) {
      const refused = await rawRequest(server.url, "POST", "/v1/dev/token", { "Content-Type": "application/json", ...relayed }, body);
      expect(refused.status, JSON.stringify(relayed)).toBe(403);
    }
    expect((await rawRequest(server.url, "POST", "/v1/dev/token", { "Content-Type": "application/json", "X-Forwarded-For": "127.0.0.1" }, body)).status).toBe(200);
    expect((await admin("/v1/admin/rooms")).status).toBe(200);
    expect((await fetch(`${server.url}/v1/admin/rooms`)).status).toBe(401);
  });

  it("hands out rooms through matchmaking (the Matchmaker's SQL on node:sqlite)", async () => {
    const token = await devToken(server.url, "p1", "game/tictactoe/*", "player");
    const match = await fetch(`${server.url}/v1/match/tictactoe`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: '{"mode":"quick"}' });
    expect(match.status).toBe(200);
    expect(await match.json()).toMatchObject({ roomId: expect.stringMatching(/^q-/), region: "any" });
  });
});

describe("the Node adapter over WebSocket", () => {
  it("refuses a socket without a token with the same JSON 401, as plain HTTP", async () => {
    const upgrade = { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" };
    const response = await rawRequest(server.url, "GET", "/v1/doc/r1", upgrade);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "missing_token" } });
    const badRoom = await rawRequest(server.url, "GET", "/v1/game/nosuchgame/r1", upgrade);
    expect(badRoom.status).toBe(404);
  });

  it("keeps every saved message across a SIGKILL of the server", async () => {
    const token = await devToken(server.url, "u1", "doc/kill-room", "editor");
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/v1/doc/kill-room?token=${token}`);
    const inbox = messages(socket);
    await opened(socket);
    expect(await inbox.next()).toBe("ready");
    for (const text of ["one", "two", "three"]) socket.send(text);
    for (const text of ["one", "two", "three"]) expect(await inbox.next()).toBe(`saved:${text}`);
    await stopNodeProcess(server, "SIGKILL");
    server = await startNodeProcess(PORT, dataDir, "notes");
    const again = new WebSocket(`${server.url.replace("http", "ws")}/v1/doc/kill-room?token=${await devToken(server.url, "u1", "doc/kill-room", "editor")}`);
    const replay = messages(again);
    await opened(again);
    const seen = [await replay.next(), await replay.next(), await replay.next(), await replay.next()];
    expect(seen).toEqual(["note:one", "note:two", "note:three", "ready"]);
    again.close();
  }, 30_000);
});
