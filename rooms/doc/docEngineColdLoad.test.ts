// A cold start (issue 17, item 3: cold load and fresh sync), on memory ports: a room that starts
// from storage answers its first syncs from the stored bytes and applies the document only when
// something needs it: an edit, an admin read, a version, compaction (lazyDoc.ts). Edits that arrive before that
// build apply after the stored state, in order, and are acknowledged only with their commit.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";

// Counts how often the document is applied (Yjs's own function, called through).
vi.mock("yjs", async (importOriginal) => {
  const yjs = await importOriginal<typeof import("yjs")>();
  return { ...yjs, applyUpdate: vi.fn(yjs.applyUpdate), encodeStateVectorFromUpdate: vi.fn(yjs.encodeStateVectorFromUpdate) };
});
import { CloseCode } from "../../protocol/index.ts";
import type { MemorySocket } from "../engine/testing/memorySocket.ts";
import { hangUp, testPorts } from "../engine/testing/testRoom.ts";
import { editFrame } from "../engine/testing/yjsFrames.ts";
import { decodeFrame, encodeSyncStep1, encodeUpdate } from "./frames.ts";
import { joinDoc, joinSdkDoc, newDocRoom, savedSeqs } from "./testing/docHarness.ts";

const ROOM = "cold";

afterEach(() => {
  vi.mocked(Y.applyUpdate).mockClear();
  vi.mocked(Y.encodeStateVectorFromUpdate).mockClear();
});

/**
 * A room whose storage holds "stored and more": with `log`, "stored" as its snapshot and " and more"
 * in its update log after it; without, all of it as the snapshot. `older` is the document before " and more".
 */
async function storedRoom({ log }: { log: boolean }) {
  const first = newDocRoom(ROOM);
  const writer = await joinSdkDoc(first, "writer");
  const writerDoc = new Y.Doc();
  first.engine.message(writer, editFrame(writerDoc, (d) => d.getText("t").insert(0, "stored")));
  const older = Y.encodeStateAsUpdate(writerDoc);
  if (log) first.admin.compact();
  first.engine.message(writer, editFrame(writerDoc, (d) => d.getText("t").insert(6, " and more")));
  await first.ports.durability.land();
  await first.ports.durability.land();
  if (!log) await hangUp(first.engine, first.ports, writer);
  expect(first.engine.store.stats()).toMatchObject({ logUpdates: log ? 1 : 0 });
  return { db: first.ports.db, writerDoc, older, text: writerDoc.getText("t").toString() };
}

/** The update a socket's last sync step 2 carried. */
function lastStep2(socket: MemorySocket): Uint8Array {
  const decoded = decodeFrame(socket.binaries().at(-1)!);
  if (decoded.type !== "update" || !decoded.isSyncReply) throw new Error(`last frame is ${decoded.type}, not a sync step 2`);
  return decoded.update;
}

/** The sync step 1 a socket got when it joined, as its state vector. */
function firstStep1(socket: MemorySocket): Uint8Array {
  const decoded = decodeFrame(socket.binaries()[0]!);
  if (decoded.type !== "sync_step1") throw new Error(`first frame is ${decoded.type}`);
  return decoded.stateVector;
}

/** A client's sync step 2 with nothing the room lacks: the empty update. */
const emptyStep2 = () => new Uint8Array([0, 1, 2, 0, 0]);

function textOf(...updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText("t").toString();
}

describe("cold start: sync from the stored bytes, the document built when first needed", () => {
  it.each([
    { log: false, vectorStored: true },
    { log: false, vectorStored: false },
    { log: true, vectorStored: true },
  ])("answers fresh and older clients without applying the document (log: $log, state vector stored: $vectorStored), and builds it for the first edit", async ({ log, vectorStored }) => {
    const { db, writerDoc, older, text } = await storedRoom({ log });
    // A room compacted before the state vector was stored with its snapshot.
    if (!vectorStored) db.sql.exec("DELETE FROM doc_snapshot_state_vector");
    const olderDoc = new Y.Doc();
    Y.applyUpdate(olderDoc, older);
    vi.mocked(Y.applyUpdate).mockClear();
    vi.mocked(Y.encodeStateVectorFromUpdate).mockClear();

    const room = newDocRoom(ROOM, testPorts(ROOM, { db }));
    const fresh = await joinDoc(room, "fresh");
    expect(firstStep1(fresh)).toEqual(Y.encodeStateVector(writerDoc));
    room.engine.message(fresh, encodeSyncStep1(new Y.Doc()));
    const whole = lastStep2(fresh);
    room.engine.message(fresh, emptyStep2());
    // With nothing logged after it, the snapshot stored with its state vector is not even read to serve a fresh client.
    expect(Y.encodeStateVectorFromUpdate).toHaveBeenCalledTimes(log || !vectorStored ? 1 : 0);
    const behind = await joinDoc(room, "behind");
    room.engine.message(behind, encodeSyncStep1(olderDoc));
    const diff = lastStep2(behind);
    // Nothing applied in the room to answer either of them.
    expect(Y.applyUpdate).not.toHaveBeenCalled();
    expect(room.engine.lazyDoc.isBuilt).toBe(false);

    expect(textOf(whole)).toBe(text);
    expect(diff.byteLength).toBeLessThan(whole.byteLength);
    expect(textOf(older, diff)).toBe(text);

    // Not even once the turn that answered has ended: the first edit builds it, whole, and applies after the stored state.
    room.ports.scheduler.endTurn();
    expect(room.engine.lazyDoc.isBuilt).toBe(false);
    const client = new Y.Doc();
    Y.applyUpdate(client, whole);
    room.engine.message(fresh, editFrame(client, (d) => d.getText("t").insert(0, ">")));
    expect(room.engine.lazyDoc.isBuilt).toBe(true);
    expect(room.engine.doc.getText("t").toString()).toBe(`>${text}`);
  });

  it("applies edits that arrive before the build after the stored state, in order, relays them, and says `saved` only with their commit", async () => {
    const { db, text } = await storedRoom({ log: true });
    vi.mocked(Y.applyUpdate).mockClear();
    const room = newDocRoom(ROOM, testPorts(ROOM, { db }));
    const writer = await joinSdkDoc(room, "second-writer");
    const reader = await joinDoc(room, "reader");
    room.engine.message(reader, encodeSyncStep1(new Y.Doc()));
    const readerDoc = new Y.Doc();
    Y.applyUpdate(readerDoc, lastStep2(reader));
    expect(room.engine.lazyDoc.isBuilt).toBe(false);
    expect(Y.applyUpdate).toHaveBeenCalledTimes(1); // the test's own, into readerDoc

    // The writer's client starts from what the room sent it, and edits before anything built the room's document.
    const writerDoc = new Y.Doc();
    Y.applyUpdate(writerDoc, lastStep2(reader));
    const relayedFrom = reader.binaries().length;
    room.engine.message(writer, editFrame(writerDoc, (d) => d.getText("t").insert(text.length, ", first")));
    room.engine.message(writer, editFrame(writerDoc, (d) => d.getText("t").insert(text.length + 7, ", second")));
    expect(room.engine.lazyDoc.isBuilt).toBe(true);
    const expected = `${text}, first, second`;
    expect(room.engine.doc.getText("t").toString()).toBe(expected);
    for (const frame of reader.binaries().slice(relayedFrom)) {
      const decoded = decodeFrame(frame);
      if (decoded.type === "update") Y.applyUpdate(readerDoc, decoded.update);
    }
    expect(readerDoc.getText("t").toString()).toBe(expected);
    expect(savedSeqs(writer)).toEqual([]);
    await room.ports.durability.land();
    await room.ports.durability.land();
    expect(savedSeqs(writer)).toEqual([1, 2]);

    // What the next instance loads is the same document, the stored state first.
    const next = newDocRoom(ROOM, testPorts(ROOM, { db }));
    const late = await joinDoc(next, "late");
    next.engine.message(late, encodeSyncStep1(new Y.Doc()));
    expect(textOf(lastStep2(late))).toBe(expected);
    // A fresh client's empty step 2 builds nothing.
    next.engine.message(late, emptyStep2());
    next.ports.scheduler.endTurn();
    expect(next.engine.lazyDoc.isBuilt).toBe(false);
  });

  it("builds the document first for every path that reads or changes it: admin export and inspect, import, versions", async () => {
    const { db, text } = await storedRoom({ log: true });
    const exported = newDocRoom(ROOM, testPorts(ROOM, { db }));
    expect(exported.engine.lazyDoc.isBuilt).toBe(false);
    expect(textOf(exported.admin.exportDocument())).toBe(text);

    const inspected = newDocRoom(ROOM, testPorts(ROOM, { db }));
    expect(inspected.admin.inspect().document.json).toMatchObject({ t: text });

    const imported = newDocRoom(ROOM, testPorts(ROOM, { db }));
    const extra = new Y.Doc();
    extra.getText("x").insert(0, "imported");
    expect(imported.admin.importDocument(Y.encodeStateAsUpdate(extra))).toEqual({ ok: true });
    expect(imported.engine.doc.getText("t").toString()).toBe(text);

    const versioned = newDocRoom(ROOM, testPorts(ROOM, { db }));
    const outcome = versioned.admin.takeVersionNow();
    expect(outcome.type).toBe("taken");
    if (outcome.type !== "taken") return;
    expect(textOf((await versioned.engine.history.snapshotBytes(outcome.version.id))!)).toBe(text);
  });

  it.each([
    { cut: "its delete set (the state vector still reads; found when building)", keepBytes: "length(data) - 1" },
    { cut: "its structs (found when building, or at the first connect of a room whose state vector was not stored)", keepBytes: "5" },
  ])("refuses every socket with 4500 and writes nothing when the stored snapshot is cut short in $cut", async ({ keepBytes }) => {
    const first = newDocRoom(ROOM);
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "some text to delete from");
    doc.getText("t").delete(0, 5);
    first.admin.importDocument(Y.encodeStateAsUpdate(doc));
    first.admin.compact();
    const { db } = first.ports;
    db.sql.exec(`UPDATE doc_snapshot_chunk SET data = substr(data, 1, ${keepBytes})`);
    const rowsBefore = db.sql.exec("SELECT idx, hex(data) AS data FROM doc_snapshot_chunk").toArray();

    const room = newDocRoom(ROOM, testPorts(ROOM, { db }));
    expect(room.engine.loadError).toBeNull();
    const socket = await joinDoc(room, "reader");
    if (socket.isOpen) room.engine.message(socket, encodeSyncStep1(new Y.Doc()));
    // The first edit builds the document, and the build fails.
    if (socket.isOpen) room.engine.message(socket, editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "new")));
    expect(room.engine.loadError).not.toBeNull();
    expect(socket.closed?.code).toBe(CloseCode.INTERNAL);
    expect(room.ports.host.drops.length).toBeGreaterThan(0);
    expect(() => room.admin.compact()).toThrow("could not be loaded");
    const writer = await joinDoc(room, "writer");
    expect(writer.closed?.code).toBe(CloseCode.INTERNAL);
    room.engine.message(writer, encodeUpdate(Y.encodeStateAsUpdate(doc)));
    expect(db.sql.exec("SELECT idx, hex(data) AS data FROM doc_snapshot_chunk").toArray()).toEqual(rowsBefore);
    expect(db.sql.exec("SELECT count(*) AS n FROM doc_update_log").one()).toEqual({ n: 0 });
  });
});
