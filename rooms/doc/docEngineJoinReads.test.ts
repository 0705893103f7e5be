// Issue 17, joins and fan-out: a join to a room that exists, and an update from one of its
// connections, read no room fact the room already knows. Each was a SQLite statement on the room's
// one thread: `created_at` and `location_hint` at every admission, `created_at` again for the
// directory, `locked` at every update (the relay's hot path), and the directory's throttle state
// twice per join. A storm of 500 joins ran some 2,500 of them before its last client was synced.
import { expect, it } from "vitest";
import * as Y from "yjs";
import { editFrame } from "../engine/testing/yjsFrames.ts";
import { newWatchedDocRoom } from "./testing/docHarness.ts";

const ROOM = "join-reads";

function countingRoom() {
  const reads: string[] = [];
  const { engine, join } = newWatchedDocRoom(ROOM, (query) => {
    const table = /^\s*SELECT\b.*\bFROM\s+(room_meta|directory_state)\b/is.exec(query)?.[1];
    if (table) reads.push(table);
  });
  return { engine, reads, join };
}

it("a join to a room that exists reads room_meta not at all and the directory's state at most once", async () => {
  const { reads, join } = countingRoom();
  await join("creator");
  await join("second");
  expect(reads, "reads seen while the room was created").toContain("room_meta");
  reads.length = 0;

  await join("third");
  expect(reads.filter((t) => t === "room_meta"), "room_meta reads").toEqual([]);
  expect(reads.filter((t) => t === "directory_state").length, "directory_state reads").toBeLessThanOrEqual(1);
});

it("an update from a connection reads no room_meta row (the lock is known in memory)", async () => {
  const { engine, reads, join } = countingRoom();
  const writer = await join("writer");
  await join("reader");
  const doc = new Y.Doc();
  engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "a")));
  reads.length = 0;

  engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(1, "b")));
  expect(reads.filter((t) => t === "room_meta"), "room_meta reads").toEqual([]);
  // The lock still holds at once: an operator's lock refuses the very next update.
  engine.core.setLocked(true);
  engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(2, "c")));
  expect(engine.doc.getText("t").toString()).toBe("ab");
  engine.core.setLocked(false);
  engine.message(writer, editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "d")));
  expect([...engine.doc.getText("t").toString()].sort().join("")).toBe("abd");
});

it("a stock client's empty sync reply (it has nothing the room lacks) does not open a document transaction", async () => {
  const { engine, join } = countingRoom();
  const socket = await join("stock");
  let transactions = 0;
  engine.doc.on("beforeTransaction", () => transactions++);
  // y-protocols' answer to the room's step 1 from a client with nothing new: sync step 2 of the empty update.
  engine.message(socket, new Uint8Array([0, 1, 2, 0, 0]));
  expect(socket.closed).toBeNull();
  expect(transactions, "document transactions").toBe(0);
});
