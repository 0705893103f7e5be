// A client that never reads must not make the room buffer without bound: the room asks for
// proof of reading (rooms/readProof.ts) and closes a client that never gives it with 4408,
// while clients that read keep being served.
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/closeCodes.ts";
import { DocLimits } from "../../protocol/limits.ts";
import { GameLimits } from "../../protocol/gameMessages.ts";
import { decodeFrame, encodeSyncStep2 } from "../../rooms/doc/frames.ts";
import { inRoom, join } from "./gameHelpers.ts";
import { type TestSocket, devToken, editFrame, openDoc, openSdkDoc } from "./helpers.ts";

/** Answers every sync step 1 the room sends, as y-protocols clients do; returns how many it answered. */
function answerSyncProbes(socket: TestSocket): () => number {
  let answered = 0;
  const doc = new Y.Doc();
  socket.ws.addEventListener("message", (event) => {
    if (typeof event.data === "string") return;
    const frame = decodeFrame(new Uint8Array(event.data as ArrayBuffer));
    if (frame.type === "update") Y.applyUpdate(doc, frame.update);
    if (frame.type !== "sync_step1") return;
    if (isOpen(socket)) socket.send(encodeSyncStep2(doc, frame.stateVector));
    answered += 1;
  });
  return () => answered;
}

const isOpen = (socket: TestSocket) => socket.ws.readyState === WebSocket.OPEN;

describe("clients that never read", () => {
  it("a document client that never answers the room's probes is closed with 4408 after a bounded amount; a reading one is not", async () => {
    const token = await devToken({ sub: "slow", room: "doc/slow-doc", role: "editor" });
    const silent = await openDoc("slow-doc", token);
    const reader = await openDoc("slow-doc", token);
    const answers = answerSyncProbes(reader);
    const writer = await openSdkDoc("slow-doc", token);
    const doc = new Y.Doc();
    const chunk = "x".repeat(100 * 1024);
    const bound = DocLimits.PROBE_AFTER_BYTES + DocLimits.MAX_UNREAD_BYTES + 2 * chunk.length;
    let written = 0;
    // Overwriting one map entry keeps the stored document small while each frame relays 100 KB.
    while (isOpen(silent) && written < 2 * bound) {
      writer.send(editFrame(doc, (d) => d.getMap("m").set("k", `${written}:${chunk}`)));
      written += chunk.length;
      await writer.control("saved");
      writer.frames.length = 0;
    }
    const closed = await silent.closed;
    expect(closed.code).toBe(CloseCode.SLOW_CONSUMER);
    // What went to it unanswered stayed within the bound (the probe threshold, the frames in flight, the limit).
    const receivedBytes = silent.frames.reduce((sum, f) => sum + (typeof f === "string" ? f.length : f.byteLength), 0);
    expect(receivedBytes).toBeGreaterThan(DocLimits.MAX_UNREAD_BYTES);
    expect(receivedBytes).toBeLessThan(bound);
    expect(isOpen(reader)).toBe(true);
    expect(answers()).toBeGreaterThan(10);
    expect(isOpen(writer)).toBe(true);
    for (const socket of [reader, writer]) socket.close();
  }, 60_000);

  it("a game client that never echoes probes is closed with 4408; one that echoes stays", async () => {
    const silent = await join("arena", "slow-game", "silent", { role: "spectator" });
    const reader = await join("arena", "slow-game", "reader", { role: "spectator" });
    let echoed = 0;
    reader.socket.ws.addEventListener("message", (event) => {
      if (typeof event.data === "string" && JSON.parse(event.data).type === "probe") {
        reader.socket.send(JSON.stringify({ type: "probe" }));
        echoed += 1;
      }
    });
    // The room's own send path, driven hard: operator messages of 4 KB, past the bound.
    const text = "y".repeat(4096);
    const sends = Math.ceil((GameLimits.PROBE_AFTER_BYTES + GameLimits.MAX_UNREAD_BYTES) / text.length) + 20;
    for (let i = 0; i < sends; i++) {
      await inRoom("arena", "slow-game", (r) => r.broadcastSystem(text));
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 0)); // let the reader's echoes arrive
    }
    expect((await silent.socket.closed).code).toBe(CloseCode.SLOW_CONSUMER);
    expect(isOpen(reader.socket)).toBe(true);
    expect(echoed).toBeGreaterThan(5);
    reader.socket.close();
  }, 60_000);
});
