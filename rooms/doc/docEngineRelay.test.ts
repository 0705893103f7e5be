// Relay before durable, acknowledge after (issue 17, item 2), on memory ports: an update reaches the
// other sockets as soon as the room applied it, while its sender's `saved` waits for the commit. If
// the room dies before the commit, the update is gone from the room but not from its sender, whose
// next sync carries it again (the SDK answers the room's sync step 1 with every edit the room lacks).
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { hangUp, testPorts, type TestPorts } from "../engine/testing/testRoom.ts";
import { editFrame, receivedText } from "../engine/testing/yjsFrames.ts";
import type { MemorySocket } from "../engine/testing/memorySocket.ts";
import { joinDoc, joinSdkDoc, newDocRoom, savedSeqs, type DocTestRoom } from "./testing/docHarness.ts";
import { BUSY_COMMIT_INTERVAL_MS } from "./docWrites.ts";
import { decodeFrame } from "./frames.ts";

const ROOM = "relay";

const newRoom = (ports?: TestPorts) => newDocRoom(ROOM, ports);
type Room = DocTestRoom;
const join = (room: Room, sub: string) => joinDoc(room, sub);
const joinSdk = (room: Room, sub: string) => joinSdkDoc(room, sub);

/** What the SDK does with the room's sync frames (DocProvider#handleFrame): answers a step 1 with what the room lacks. */
function answerSync(room: Room, socket: MemorySocket, doc: Y.Doc, from = 0): void {
  for (const frame of socket.binaries().slice(from)) {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 0) continue;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, 0);
    syncProtocol.readSyncMessage(decoder, reply, doc, "room");
    if (encoding.length(reply) > 1) room.engine.message(socket, encoding.toUint8Array(reply));
  }
}


describe("relay before durable, acknowledge after", () => {
  it("relays every update as it is applied, even while a commit is in flight, and acknowledges each only with its commit", async () => {
    const room = newRoom();
    const writer = await joinSdk(room, "writer");
    const reader = await join(room, "reader");
    const doc = new Y.Doc();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "hello")));
    expect(receivedText(reader)).toBe("hello");
    // A commit is in flight: the next updates still reach the reader at once, before any disk.
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(5, " wor")));
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(9, "ld")));
    expect(receivedText(reader)).toBe("hello world");
    expect(savedSeqs(writer)).toEqual([]);
    // The writer never hears its own edit back.
    expect(receivedText(writer)).toBe("");
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1]);
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1, 2, 3]);
  });

  it("under an output gate, merges what it relays while a commit is in flight into one frame, sent as that commit lands", async () => {
    const room = newRoom();
    // A Durable Object holds every send while a commit is in flight: relaying each update then
    // would cost a send per socket per update for no earlier arrival.
    room.ports.durability.holdsOutput = true;
    const writer = await joinSdk(room, "writer");
    const reader = await join(room, "reader");
    const doc = new Y.Doc();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "hello")));
    expect(receivedText(reader)).toBe("hello");
    const framesBefore = reader.binaries().length;
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(5, " wor")));
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(9, "ld")));
    expect(reader.binaries().length).toBe(framesBefore);
    await room.ports.durability.land();
    expect(reader.binaries().length).toBe(framesBefore + 1);
    expect(receivedText(reader)).toBe("hello world");
    expect(savedSeqs(writer)).toEqual([1]);
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1, 2, 3]);
  });

  it("under an output gate, writes a connection's update in the turn after the one that relayed it", async () => {
    // A Durable Object sends a turn's frames only when the turn ends: the SQLite insert, the version
    // bookkeeping and a compaction would each delay the relay if they ran in the relaying turn.
    const ports = testPorts(ROOM);
    ports.durability.holdsOutput = true;
    const room = newRoom(ports);
    const writer = await joinSdk(room, "writer");
    const reader = await join(room, "reader");
    const doc = new Y.Doc();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "hello")));
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(5, "!")));
    expect(receivedText(reader)).toBe("hello!");
    expect(room.engine.store.stats().logUpdates).toBe(0);
    const waiting = room.engine.writes.pendingBytes;
    expect(waiting).toBeGreaterThan(0);
    ports.scheduler.endTurn();
    // Both waited for the same write, one commit.
    expect(room.engine.store.stats().logUpdates).toBe(2);
    expect(room.engine.store.stats().logBytes).toBe(waiting);
    expect(room.engine.writes.pendingBytes).toBe(0);
    expect(savedSeqs(writer)).toEqual([]);
    await ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1, 2]);
    // Soon after a write, the next waits out BUSY_COMMIT_INTERVAL_MS from that write's start; it is
    // relayed at once, with no commit in flight to hold it.
    ports.scheduler.endTurn();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(6, "?")));
    expect(receivedText(reader)).toBe("hello!?");
    ports.scheduler.endTurn();
    expect(room.engine.store.stats().logUpdates).toBe(2);
    ports.clock.advance(BUSY_COMMIT_INTERVAL_MS);
    ports.scheduler.tickTimers();
    expect(room.engine.store.stats().logUpdates).toBe(3);
    // An edit during a commit waits for it, goes out as it lands, and is written once the interval has passed.
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(7, "!")));
    expect(receivedText(reader)).toBe("hello!?");
    ports.clock.advance(BUSY_COMMIT_INTERVAL_MS);
    await ports.durability.land();
    expect(receivedText(reader)).toBe("hello!?!");
    expect(room.engine.store.stats().logUpdates).toBe(3);
    ports.scheduler.endTurn();
    expect(room.engine.store.stats().logUpdates).toBe(4);
  });

  it("when the last connection leaves, writes and compacts what waits for a spaced commit", async () => {
    // Otherwise the room's version would hold an edit its stored document lacks until the timer ran.
    const ports = testPorts(ROOM);
    ports.durability.holdsOutput = true;
    const room = newRoom(ports);
    const writer = await joinSdk(room, "writer");
    const doc = new Y.Doc();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "first")));
    ports.scheduler.endTurn();
    await ports.durability.land();
    room.engine.writes.compact();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(5, " second")));
    ports.scheduler.endTurn();
    // Waiting out BUSY_COMMIT_INTERVAL_MS: not yet in the log.
    expect(room.engine.store.stats().logUpdates).toBe(0);
    await hangUp(room.engine, ports, writer);
    expect(room.engine.store.stats().logUpdates).toBe(0);
    const again = newRoom(testPorts(ROOM, { db: ports.db, archive: ports.archive }));
    expect(again.engine.doc.getText("t").toString()).toBe("first second");
  });

  it("loses an update the room relayed but never made durable only until its sender's next sync re-sends it", async () => {
    const first = newRoom();
    const writer = await joinSdk(first, "writer");
    const reader = await join(first, "reader");
    const writerDoc = new Y.Doc();
    const readerDoc = new Y.Doc();
    first.engine.message(writer, editFrame(writerDoc, (d) => d.getText("t").insert(0, "unsaved")));
    // The reader saw it; the writer was never told `saved`, so it keeps the edit as unsaved.
    for (const frame of reader.binaries()) {
      const decoded = decodeFrame(frame);
      if (decoded.type === "update") Y.applyUpdate(readerDoc, decoded.update);
    }
    expect(readerDoc.getText("t").toString()).toBe("unsaved");
    expect(savedSeqs(writer)).toEqual([]);

    // The process dies before the commit: the disk holds nothing of the room.
    const second = newRoom(testPorts(ROOM));
    expect(second.engine.doc.getText("t").toString()).toBe("");
    // Both clients reconnect. The room opens with its sync step 1; each answers with what the room lacks.
    const writerAgain = await joinSdk(second, "writer");
    answerSync(second, writerAgain, writerDoc);
    expect(second.engine.doc.getText("t").toString()).toBe("unsaved");
    const readerAgain = await join(second, "reader");
    answerSync(second, readerAgain, readerDoc);
    expect(second.engine.doc.getText("t").toString()).toBe("unsaved");
    // The re-sent update is acknowledged once the new room's commit lands.
    expect(savedSeqs(writerAgain)).toEqual([]);
    await second.ports.durability.land();
    expect(savedSeqs(writerAgain)).toEqual([1]);
  });
});
