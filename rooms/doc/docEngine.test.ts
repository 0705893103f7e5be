// The document engine in Node, without workerd: the room behaviour test/workers/docRoom*.test.ts,
// presence*, tokenExpiry, roomAdmission and admin cover, driven through memory ports
// (rooms/engine/testing/). Hibernation and eviction stay in the workerd tests.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { CloseCode, DocLimits, RoomLimits } from "../../protocol/index.ts";
import { RecordingServices, deliverCloses, hangUp, testPorts, type TestPorts } from "../engine/testing/testRoom.ts";
import { editFrame, receivedText } from "../engine/testing/yjsFrames.ts";
import { joinDoc, joinSdkDoc, newDocRoom, savedSeqs, type DocTestRoom } from "./testing/docHarness.ts";
import { decodeFrame, encodeAwareness } from "./frames.ts";

const ROOM = "notes";

const newRoom = (ports?: TestPorts, services?: RecordingServices) => newDocRoom(ROOM, ports, services);
type Room = DocTestRoom;
const join = (room: Room, sub: string, role?: string, extra?: { name?: string; exp?: number }) => joinDoc(room, sub, role, extra);
const joinSdk = joinSdkDoc;
const text = (room: Room) => room.engine.doc.getText("t").toString();

describe("document engine on memory ports", () => {
  it("syncs a stock y-protocols client both ways", async () => {
    const room = newRoom();
    room.admin.importDocument(Y.encodeStateAsUpdate(docWith("from the room")));
    const socket = await join(room, "stock-1");
    // The room opened with its sync step 1; a y-protocols client answers it and asks with its own.
    const client = new Y.Doc();
    for (const frame of socket.binaries()) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, 0);
      const decoder = decoding.createDecoder(frame);
      expect(decoding.readVarUint(decoder)).toBe(0);
      syncProtocol.readSyncMessage(decoder, reply, client, "room");
      if (encoding.length(reply) > 1) room.engine.message(socket, encoding.toUint8Array(reply));
    }
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, 0);
    syncProtocol.writeSyncStep1(step1, client);
    const seen = socket.frames.length;
    room.engine.message(socket, encoding.toUint8Array(step1));
    for (const frame of socket.binaries().slice(seen)) {
      const decoder = decoding.createDecoder(frame);
      decoding.readVarUint(decoder);
      syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), client, "room");
    }
    expect(client.getText("t").toString()).toBe("from the room");
    // And the client's edit reaches the room.
    room.engine.message(socket, editFrame(client, (d) => d.getText("t").insert(0, ">> ")));
    expect(text(room)).toBe(">> from the room");
    expect(socket.closed).toBeNull();
  });

  it("relays an update at once and acknowledges it `saved` only once it is durable", async () => {
    const room = newRoom();
    const writer = await joinSdk(room, "writer");
    const reader = await join(room, "reader");
    const doc = new Y.Doc();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "hello")));
    expect(receivedText(reader)).toBe("hello");
    expect(savedSeqs(writer)).toEqual([]);
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1]);
    // While a commit is in flight, the next updates are relayed at once and wait to go in one commit.
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(5, " wor")));
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(9, "ld")));
    expect(receivedText(reader)).toBe("hello world");
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1, 2]);
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1, 2, 3]);
  });

  it("refuses a viewer's write with `refused` and leaves the document as it was", async () => {
    const room = newRoom();
    const viewer = await joinSdk(room, "viewer-1", "viewer");
    room.engine.message(viewer, editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "no")));
    expect(viewer.controls().filter((c) => c.type === "refused")).toEqual([{ type: "refused", seq: 1, reason: "read_only" }]);
    expect(text(room)).toBe("");
    expect(viewer.closed).toBeNull();
  });

  it(`closes a frame over ${DocLimits.MAX_MESSAGE_BYTES} bytes with 4413`, async () => {
    const room = newRoom();
    const socket = await join(room, "big");
    room.engine.message(socket, new Uint8Array(DocLimits.MAX_MESSAGE_BYTES + 1));
    expect(socket.closed?.code).toBe(CloseCode.MESSAGE_TOO_LARGE);
  });

  it(`closes a flood past ${DocLimits.MESSAGE_BURST} messages at once with 4429`, async () => {
    const room = newRoom();
    const socket = await join(room, "flood");
    const query = new Uint8Array([3]);
    for (let i = 0; i <= DocLimits.MESSAGE_BURST && socket.isOpen; i++) room.engine.message(socket, query);
    expect(socket.closed?.code).toBe(CloseCode.RATE_LIMITED);
  });

  it("serves a writer sending 500 edit frames per second and closes one past MESSAGES_PER_SECOND with 4429", async () => {
    const room = newRoom();
    const typist = await joinSdk(room, "typist");
    const reader = await join(room, "reader");
    const doc = new Y.Doc();
    // 500 edits a second for 5 s, each in its own frame, as the SDK sends a fast typist's or a stream's edits.
    for (let i = 0; i < 2_500; i++) {
      room.engine.message(typist, editFrame(doc, (d) => d.getText("t").insert(i, "x")));
      room.ports.clock.advance(2);
      if (i % 50 === 0) await room.ports.durability.land();
    }
    expect(typist.closed).toBeNull();
    expect(receivedText(reader)).toBe("x".repeat(2_500));
    // Past the bound: the sustained rate plus 20%, after the burst is spent.
    const flooder = await joinSdk(room, "flooder");
    const query = new Uint8Array([3]);
    const stepMs = 1000 / (DocLimits.MESSAGES_PER_SECOND * 1.2);
    for (let i = 0; i < DocLimits.MESSAGE_BURST * 10 && flooder.isOpen; i++) {
      room.engine.message(flooder, query);
      room.ports.clock.advance(stepMs);
    }
    expect(flooder.closed?.code).toBe(CloseCode.RATE_LIMITED);
    expect(typist.closed).toBeNull();
  });

  it("holds a viewer's connection to VIEWER_MESSAGES_PER_SECOND: presence at 80% of it is relayed, at 120% closed with 4429", async () => {
    const room = newRoom();
    const listener = await join(room, "listener");
    const presenceAt = async (sub: string, rate: number) => {
      const viewer = await join(room, sub, "viewer");
      const stepMs = 1000 / rate;
      let clock = 0;
      // Ten bursts' worth of frames at `rate` (at 120% the burst is spent after five), each a cursor move.
      for (let i = 0; i < DocLimits.VIEWER_MESSAGE_BURST * 10 && viewer.isOpen; i++) {
        room.engine.message(viewer, encodeAwareness([{ clientId: sub.length * 1000, clock: ++clock, stateJson: JSON.stringify({ cursor: i }) }]));
        room.ports.clock.advance(stepMs);
      }
      return viewer;
    };
    const calm = await presenceAt("calm-viewer", DocLimits.VIEWER_MESSAGES_PER_SECOND * 0.8);
    expect(calm.closed).toBeNull();
    const flooder = await presenceAt("flooding-viewer", DocLimits.VIEWER_MESSAGES_PER_SECOND * 1.2);
    expect(flooder.closed).toEqual({ code: CloseCode.RATE_LIMITED, reason: `over ${DocLimits.VIEWER_MESSAGES_PER_SECOND} messages per second` });
    expect(listener.closed).toBeNull();
    // An editor at the viewer's 120% is well inside its own bound.
    const editor = await join(room, "editor-at-viewer-rate", "editor");
    for (let i = 0; i < DocLimits.VIEWER_MESSAGE_BURST * 10; i++) {
      room.engine.message(editor, encodeAwareness([{ clientId: 4242, clock: i + 1, stateJson: JSON.stringify({ cursor: i }) }]));
      room.ports.clock.advance(1000 / (DocLimits.VIEWER_MESSAGES_PER_SECOND * 1.2));
    }
    expect(editor.closed).toBeNull();
  });

  it("relays presence with the name from the token, not the one the client wrote", async () => {
    const room = newRoom();
    const speaker = await join(room, "ed-1", "editor", { name: "Ed" });
    const listener = await join(room, "other");
    const seen = listener.frames.length;
    room.engine.message(speaker, encodeAwareness([{ clientId: 7, clock: 1, stateJson: JSON.stringify({ user: { name: "Mallory", id: "admin" }, cursor: 3 }) }]));
    const frames = listener.binaries().slice(-1);
    expect(listener.frames.length).toBeGreaterThan(seen);
    const decoded = decodeFrame(frames[0]!);
    if (decoded.type !== "awareness") throw new Error(`expected awareness, got ${decoded.type}`);
    expect(decoded.entries[0]!.state).toMatchObject({ user: { id: "ed-1", name: "Ed" }, cursor: 3 });
    // The speaker leaves: the others hear its presence removed.
    await hangUp(room.engine, room.ports, speaker);
    const last = decodeFrame(listener.binaries().at(-1)!);
    expect(last.type === "awareness" && last.entries[0]!.stateJson).toBe("null");
  });

  it("closes a socket that sends nothing within the handshake deadline with 4408 at the alarm", async () => {
    const room = newRoom();
    const silent = await join(room, "silent");
    const talker = await join(room, "talker");
    room.engine.message(talker, new Uint8Array([3]));
    expect(room.ports.scheduler.alarmAt).not.toBeNull();
    room.ports.clock.advance(RoomLimits.HANDSHAKE_TIMEOUT_MS);
    await room.engine.alarm();
    expect(silent.closed?.code).toBe(CloseCode.HANDSHAKE_TIMEOUT);
    expect(talker.closed).toBeNull();
  });

  it("closes a socket with 4440 when its token expires, at the alarm or at its next frame", async () => {
    const room = newRoom();
    const inSeconds = (s: number) => Math.floor(room.ports.clock.now() / 1000) + s;
    const short = await joinSdk(room, "short", "editor", { exp: inSeconds(60) });
    const shortToo = await joinSdk(room, "short-too", "editor", { exp: inSeconds(60) });
    const long = await joinSdk(room, "long", "editor", { exp: inSeconds(3600) });
    expect(room.ports.scheduler.alarmAt).toBeLessThanOrEqual(inSeconds(60) * 1000);
    room.ports.clock.advance(61_000);
    room.engine.message(shortToo, new Uint8Array([3]));
    expect(shortToo.closed?.code).toBe(CloseCode.TOKEN_EXPIRED);
    await room.engine.alarm();
    expect(short.closed?.code).toBe(CloseCode.TOKEN_EXPIRED);
    expect(long.closed).toBeNull();
  });

  it("loads the document again from the same database, and compacts when the room empties", async () => {
    const ports = testPorts(ROOM);
    const room = newRoom(ports);
    const writer = await joinSdk(room, "writer");
    room.engine.message(writer, editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "kept")));
    await ports.durability.land();
    expect(room.engine.store.stats().logUpdates).toBe(1);
    await hangUp(room.engine, ports, writer);
    expect(room.engine.store.stats()).toMatchObject({ logUpdates: 0 });
    expect(room.engine.history.list()).toHaveLength(1);
    const again = newRoom(testPorts(ROOM, { db: ports.db, archive: ports.archive }));
    expect(text(again)).toBe("kept");
    expect(again.engine.history.list()).toHaveLength(1);
  });

  it("kicks by sub (4403), locks against writes, imports and exports the document", async () => {
    const room = newRoom();
    const kicked = await join(room, "troll");
    const kickedToo = await join(room, "troll");
    const editor = await joinSdk(room, "editor-1");
    expect(room.engine.core.connectionsInfo().map((c) => c.user).sort()).toEqual(["editor-1", "troll", "troll"]);
    expect(room.engine.core.kick({ sub: "troll" }, "spam")).toBe(2);
    expect([kicked.closed, kickedToo.closed]).toEqual([{ code: CloseCode.FORBIDDEN, reason: "kicked: spam" }, { code: CloseCode.FORBIDDEN, reason: "kicked: spam" }]);
    await deliverCloses(room.engine, room.ports);
    expect(room.engine.core.connectionsInfo().map((c) => c.user)).toEqual(["editor-1"]);

    room.engine.core.setLocked(true);
    room.engine.message(editor, editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "locked out")));
    expect(editor.controls().filter((c) => c.type === "refused").map((c) => c.reason)).toEqual(["locked"]);
    room.engine.core.setLocked(false);

    expect(room.admin.importDocument(new Uint8Array([1, 2, 3]))).toEqual({ ok: false, message: "body is not a Yjs update" });
    expect(room.admin.importDocument(Y.encodeStateAsUpdate(docWith("imported")))).toEqual({ ok: true });
    expect(receivedText(editor)).toBe("imported");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, room.admin.exportDocument());
    expect(copy.getText("t").toString()).toBe("imported");
    expect(room.admin.inspect().document.json).toBeDefined();
  });
});

function docWith(content: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, content);
  return doc;
}
