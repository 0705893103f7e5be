import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { DocLimits, RoomLimits } from "../../protocol/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { UPDATE_COUNT_WRITE_MS } from "../../rooms/doc/docMessages.ts";
import { encodeQueryAwareness } from "../../rooms/doc/frames.ts";
import { devToken, editFrame, encodeSyncStep1, openDoc, openSdkDoc, receiveEarlierFrames, receivedText, type TestSocket } from "./helpers.ts";

const editorToken = () => devToken({ sub: "editor-1", name: "Ed", room: "doc/*", role: "editor" });
const viewerToken = () => devToken({ sub: "viewer-1", room: "doc/*", role: "viewer" });
const roomText = (roomId: string) =>
  runInDurableObject(env.DocRoom.getByName(roomId), (room: DocRoom) => room.document.getText("t").toString());
const roomStats = (roomId: string) => runInDurableObject(env.DocRoom.getByName(roomId), (room: DocRoom) => room.describe());

/** Sends an edit and waits for the room's `saved` ack of it. */
async function saveEdit(socket: TestSocket, doc: Y.Doc, edit: (doc: Y.Doc) => void): Promise<void> {
  const before = socket.frames.length;
  socket.send(editFrame(doc, edit));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", before);
}

const isBinary = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string";

describe("durable collaboration room", () => {
  it("acknowledges an update as saved and broadcasts it to the other clients", async () => {
    const token = await editorToken();
    const writer = await openSdkDoc("broadcast", token);
    const reader = await openDoc("broadcast", token);
    const seenBefore = reader.frames.length;
    const doc = new Y.Doc();
    await saveEdit(writer, doc, (d) => d.getText("t").insert(0, "hello"));
    const frame = await reader.next((f): f is Uint8Array => isBinary(f) && f[0] === 0 && f[1] === 2, seenBefore);
    const decoder = decoding.createDecoder(frame);
    decoding.readVarUint(decoder); // message type: sync
    decoding.readVarUint(decoder); // sync step: update
    const mirror = new Y.Doc();
    Y.applyUpdate(mirror, decoding.readVarUint8Array(decoder));
    expect(mirror.getText("t").toString()).toBe("hello");
    expect(await roomText("broadcast")).toBe("hello");
    writer.close();
    reader.close();
  });

  it("keeps an update through eviction of the Durable Object", async () => {
    const token = await editorToken();
    const socket = await openSdkDoc("evicted", token);
    const doc = new Y.Doc();
    await saveEdit(socket, doc, (d) => d.getText("t").insert(0, "survives eviction"));
    await evictDurableObject(env.DocRoom.getByName("evicted"));
    expect(await roomText("evicted")).toBe("survives eviction");
    // The hibernated socket still works after the wake, and the room asks for presence again.
    await saveEdit(socket, doc, (d) => d.getText("t").insert(0, ">> "));
    expect(await roomText("evicted")).toBe(">> survives eviction");
    socket.close();
  });

  // Proves: an SDK connection's update count, kept in memory between attachment writes
  // (UPDATE_COUNT_WRITE_MS), is written before the room hibernates, so after the wake `saved` still
  // names the client's own seq: 6 for its sixth update, not 1 as if the connection were new.
  it("names the client's own seqs in saved after hibernation", async () => {
    const token = await editorToken();
    const socket = await openSdkDoc("seq-hibernation", token);
    const doc = new Y.Doc();
    for (let i = 0; i < 5; i++) await saveEdit(socket, doc, (d) => d.getText("t").insert(0, String(i)));
    await evictDurableObject(env.DocRoom.getByName("seq-hibernation"));
    const seen = socket.frames.length;
    socket.send(editFrame(doc, (d) => d.getText("t").insert(0, "after the wake ")));
    const saved = await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
    expect(JSON.parse(saved)).toEqual({ type: "saved", seq: 6 });
    socket.close();
  });

  // Proves the bound on attachment writes: 30 updates from one SDK connection write its
  // attachment at most once each UPDATE_COUNT_WRITE_MS (it was once per update), and the count
  // written is the last one.
  it("writes an SDK connection's update count at most once a second, not per update", async () => {
    const token = await editorToken();
    const socket = await openSdkDoc("seq-writes", token);
    const doc = new Y.Doc();
    const original = WebSocket.prototype.serializeAttachment;
    let writes = 0;
    WebSocket.prototype.serializeAttachment = function (this: WebSocket, value: unknown) {
      writes += 1;
      return original.call(this, value);
    };
    try {
      for (let i = 0; i < 30; i++) await saveEdit(socket, doc, (d) => d.getText("t").insert(0, "x"));
    } finally {
      WebSocket.prototype.serializeAttachment = original;
    }
    expect(writes).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, UPDATE_COUNT_WRITE_MS + 200));
    // What the runtime holds for the socket through hibernation (partyserver keeps the room's state under __user).
    const counts = await runInDurableObject(env.DocRoom.getByName("seq-writes"), (_room: DocRoom, state) =>
      state.getWebSockets().map((ws) => (WebSocket.prototype.deserializeAttachment.call(ws) as { __user?: { updateSeq?: number } }).__user?.updateSeq));
    expect(counts).toEqual([30]);
    socket.close();
  });

  it("asks clients to re-announce presence after a wake", async () => {
    const token = await editorToken();
    const socket = await openSdkDoc("rewoken", token);
    await evictDurableObject(env.DocRoom.getByName("rewoken"));
    const seen = socket.frames.length;
    socket.send(encodeSyncStep1(new Y.Doc()));
    const query = encodeQueryAwareness();
    await socket.next((f): f is Uint8Array => isBinary(f) && f.length === query.length && f[0] === query[0], seen);
    socket.close();
  });

  it("compaction keeps the content identical and shrinks the log", async () => {
    const token = await editorToken();
    const socket = await openSdkDoc("compacted", token);
    const doc = new Y.Doc();
    for (let i = 0; i < 40; i++) await saveEdit(socket, doc, (d) => d.getText("t").insert(i, String(i % 10)));
    const before = await roomStats("compacted");
    expect(before.logUpdates).toBe(40);
    const textBefore = await roomText("compacted");
    await runInDurableObject(env.DocRoom.getByName("compacted"), (room: DocRoom) => room.compact());
    const after = await roomStats("compacted");
    expect(after.logUpdates).toBe(0);
    expect(after.snapshotBytes).toBeGreaterThan(0);
    expect(after.snapshotBytes).toBeLessThan(before.logBytes);
    expect(after.lastCompactedAt).not.toBeNull();
    await evictDurableObject(env.DocRoom.getByName("compacted"));
    expect(await roomText("compacted")).toBe(textBefore);
    expect(textBefore).toBe(doc.getText("t").toString());
    socket.close();
  });

  it(`compacts by itself past ${DocLimits.COMPACT_AFTER_UPDATES} logged updates`, async () => {
    const token = await editorToken();
    const doc = new Y.Doc();
    let socket = await openSdkDoc("auto-compact", token);
    for (let i = 0; i <= DocLimits.COMPACT_AFTER_UPDATES; i++) {
      // Stay under the rate limit: a fresh connection gets a fresh burst.
      if (i > 0 && i % 250 === 0) {
        socket.close();
        socket = await openSdkDoc("auto-compact", token);
      }
      await saveEdit(socket, doc, (d) => d.getText("t").insert(0, "x"));
    }
    const stats = await roomStats("auto-compact");
    expect(stats.logUpdates).toBeLessThan(DocLimits.COMPACT_AFTER_UPDATES);
    expect(await roomText("auto-compact")).toBe("x".repeat(DocLimits.COMPACT_AFTER_UPDATES + 1));
    socket.close();
  }, 30_000); // 501 edits one after another: ~4 s alone, more on a busy machine

  it("compacts when the room empties", async () => {
    const token = await editorToken();
    const socket = await openSdkDoc("emptied", token);
    await saveEdit(socket, new Y.Doc(), (d) => d.getText("t").insert(0, "bye"));
    socket.close();
    await socket.closed;
    await expect.poll(async () => (await roomStats("emptied")).logUpdates).toBe(0);
    expect(await roomText("emptied")).toBe("bye");
  });
});

describe("viewers", () => {
  it("refuses a viewer's write and leaves the document unchanged", async () => {
    const socket = await openSdkDoc("read-only", await viewerToken());
    socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "vandalism")));
    const refused = JSON.parse(await socket.control("refused"));
    expect(refused).toEqual({ type: "refused", seq: 1, reason: "read_only" });
    expect(await roomText("read-only")).toBe("");
    socket.close();
  });

  it("lets a viewer sync and receive edits", async () => {
    const editor = await openSdkDoc("read-along", await editorToken());
    const viewer = await openDoc("read-along", await viewerToken());
    await saveEdit(editor, new Y.Doc(), (d) => d.getText("t").insert(0, "news"));
    await receiveEarlierFrames(viewer);
    expect(receivedText(viewer), "the edit reached the viewer").toBe("news");
    editor.close();
    viewer.close();
  });
});

describe("bounds and bad input", () => {
  async function withBystander(roomId: string, misbehave: (socket: TestSocket) => void, expectedCode: number) {
    const token = await editorToken();
    const bystander = await openSdkDoc(roomId, token);
    const offender = await openSdkDoc(roomId, token);
    misbehave(offender);
    const closed = await offender.closed;
    expect(closed.code).toBe(expectedCode);
    expect(closed.reason.length).toBeGreaterThan(0);
    // The room still serves the others.
    await saveEdit(bystander, new Y.Doc(), (d) => d.getText("t").insert(0, "still here"));
    expect(await roomText(roomId)).toBe("still here");
    bystander.close();
  }

  it("closes a garbage binary frame with 4400", async () => {
    await withBystander("garbage", (s) => s.send(new Uint8Array([0, 2, 200, 1, 7, 7, 7])), 4400);
  });

  it("closes an unknown message type with 4400", async () => {
    await withBystander("unknown-type", (s) => s.send(new Uint8Array([9, 0])), 4400);
  });

  it("closes a malformed control message with 4400", async () => {
    await withBystander("bad-control", (s) => s.send("{not json"), 4400);
  });

  it(`closes a frame over ${DocLimits.MAX_MESSAGE_BYTES} bytes with 4413`, async () => {
    await withBystander("oversized", (s) => s.send(new Uint8Array(DocLimits.MAX_MESSAGE_BYTES + 1)), 4413);
  });

  it(`closes a flood past ${DocLimits.MESSAGE_BURST} messages with 4429`, async () => {
    const awarenessQuery = encodeQueryAwareness();
    await withBystander("flood", (s) => {
      for (let i = 0; i < DocLimits.MESSAGE_BURST * 2; i++) s.send(awarenessQuery);
    }, 4429);
  });

  it("closes a client whose protocol version differs with 4426", async () => {
    const socket = await openDoc("versions", await editorToken());
    socket.send(JSON.stringify({ type: "hello", protocol: 99 }));
    const closed = await socket.closed;
    expect(closed).toEqual({ code: 4426, reason: "server is older: client speaks protocol 99, server 1" });
  });

  it(`closes an update that would grow the document past ${DocLimits.MAX_DOCUMENT_BYTES} bytes with 4507`, async () => {
    const socket = await openSdkDoc("huge", await editorToken());
    const doc = new Y.Doc();
    const chunk = "y".repeat(DocLimits.MAX_MESSAGE_BYTES - 1024);
    const rounds = Math.ceil(DocLimits.MAX_DOCUMENT_BYTES / chunk.length);
    for (let i = 0; i < rounds - 1; i++) await saveEdit(socket, doc, (d) => d.getText("t").insert(0, chunk));
    socket.send(editFrame(doc, (d) => d.getText("t").insert(0, chunk)));
    expect((await socket.closed).code).toBe(4507);
    const stats = await roomStats("huge");
    expect(stats.snapshotBytes + stats.logBytes).toBeLessThanOrEqual(DocLimits.MAX_DOCUMENT_BYTES);
    // Nothing acknowledged was lost on the way.
    expect((await roomText("huge")).length).toBe((rounds - 1) * chunk.length);
  });

  it(`refuses connection ${DocLimits.MAX_CONNECTIONS + 1} with 4409`, async () => {
    // Spread over users, each within its MAX_CONNECTIONS_PER_SUB share, so the room's own cap is what refuses.
    const perSub = RoomLimits.MAX_CONNECTIONS_PER_SUB;
    const tokens = await Promise.all(Array.from({ length: DocLimits.MAX_CONNECTIONS / perSub }, (_, i) => devToken({ sub: `crowd-${i}`, room: "doc/*", role: "editor" })));
    const sockets = await Promise.all(Array.from({ length: DocLimits.MAX_CONNECTIONS }, (_, i) => openDoc("crowded", tokens[i % tokens.length]!)));
    const extra = await openDoc("crowded", await editorToken());
    expect((await extra.closed).code).toBe(4409);
    for (const socket of sockets) socket.close();
  }, 60_000); // opens 1,001 sockets
});
