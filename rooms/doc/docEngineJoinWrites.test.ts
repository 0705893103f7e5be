// Issue 17, joins: a join to a room that exists writes nothing to the room's SQLite. In a Durable
// Object every write gives its turn a commit that the turn's messages wait for (the output gate),
// so a join storm that wrote per join paid one commit per socket before the room's frames left.
import { expect, it } from "vitest";
import { newWatchedDocRoom } from "./testing/docHarness.ts";

const ROOM = "join-writes";

it("a join to a room that exists, with its handshake and sync, writes nothing to the room's SQLite", async () => {
  const writes: string[] = [];
  const { join } = newWatchedDocRoom(ROOM, (query) => {
    if (/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(query)) writes.push(query);
  });
  await join("creator"); // creates the room and reports it to the directory
  await join("second"); // the directory's entry changed since that report: marked for the next one
  expect(writes.length, "writes seen while the room was created").toBeGreaterThan(0);
  writes.length = 0;

  await join("third");
  await join("fourth");
  expect(writes).toEqual([]);
});
