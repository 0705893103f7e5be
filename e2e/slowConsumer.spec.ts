import { expect, test } from "@playwright/test";
import * as encoding from "lib0/encoding";
import { WebSocket as WsWebSocket } from "ws";
import * as syncProtocol from "y-protocols/sync";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { CloseCode } from "../protocol/closeCodes.ts";
import { DocLimits } from "../protocol/limits.ts";
import { devToken, eventually, sdkClient } from "./support/service.ts";

const WS_BASE = `ws://127.0.0.1:${new URL(E2E_BASE_URL).port}/v1/doc`;

test("a client whose socket is never read is closed with 4408 after a bounded amount, while SDK and stock clients keep syncing", async () => {
  test.setTimeout(120_000);
  const room = `slow-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "slow", room: `doc/${room}`, role: "editor" });

  // A real TCP peer that stops reading: its kernel buffer fills, then workerd's.
  const stalled = new WsWebSocket(`${WS_BASE}/${room}?token=${token}`, { perMessageDeflate: false });
  let receivedBytes = 0;
  stalled.on("message", (data: Buffer) => (receivedBytes += data.byteLength));
  const closed = new Promise<number>((resolve) => stalled.on("close", (code: number) => resolve(code)));
  await new Promise((resolve) => stalled.once("open", resolve));
  // It opens as every y-protocols client does, with a sync step 1 (a socket that says nothing is
  // closed after 5 s), then stops reading.
  const hello = encoding.createEncoder();
  encoding.writeVarUint(hello, 0);
  syncProtocol.writeSyncStep1(hello, new Y.Doc());
  stalled.send(encoding.toUint8Array(hello));
  stalled.pause();

  const stockDoc = new Y.Doc();
  const stock = new WebsocketProvider(WS_BASE, room, stockDoc, { params: { token }, WebSocketPolyfill: WebSocket, disableBc: true });
  const stockCloses: string[] = [];
  stock.on("connection-close", (event: CloseEvent | null) => stockCloses.push(`${event?.code} ${event?.reason}`));
  const writer = sdkClient(E2E_BASE_URL, "writer").doc(room);
  const observer = sdkClient(E2E_BASE_URL, "observer").doc(room);
  const observerStatuses: string[] = [];
  observer.on("status", (status: string) => observerStatuses.push(status));
  try {
    await eventually(() => stock.synced, 10_000, "stock client sync");
    await Promise.all([writer.whenStatus("saved"), observer.whenStatus("saved")]);
    const chunk = "x".repeat(100 * 1024);
    const bound = DocLimits.PROBE_AFTER_BYTES + DocLimits.MAX_UNREAD_BYTES + 2 * chunk.length;
    // 100 KB per edit on one map entry: the stored document stays small, every client gets 100 KB.
    for (let n = 0; n * chunk.length < 2 * bound; n++) {
      writer.doc.getMap("m").set("k", `${n}:${chunk}`);
      await writer.whenStatus("saved");
    }
    const last = writer.doc.getMap("m").get("k");
    await eventually(() => observer.doc.getMap("m").get("k") === last, 15_000, "the observer to get the last edit");
    await eventually(() => stockDoc.getMap("m").get("k") === last, 15_000, "the stock client to get the last edit");
    expect(observer.status).toBe("saved");

    // Reading again drains what was buffered for it, then the close frame.
    stalled.resume();
    expect(await closed).toBe(CloseCode.SLOW_CONSUMER);
    expect(receivedBytes).toBeGreaterThan(DocLimits.MAX_UNREAD_BYTES);
    expect(receivedBytes).toBeLessThan(bound);
    // The others were never dropped on its account.
    expect(stockCloses).toEqual([]);
    expect(observerStatuses.filter((status) => status !== "saved" && status !== "synced")).toEqual(["connected"]);
  } finally {
    stalled.terminate();
    stock.destroy();
    writer.destroy();
    observer.destroy();
  }
});
