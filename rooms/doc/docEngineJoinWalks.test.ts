// Issue 17, joins: a join or a leave looks at each other socket of the room once (admission's
// share-out, or the leave's "anyone left?"), not once more to find the next handshake deadline for
// the alarm. Each look asks the runtime whether the socket is open; done twice per join, a storm
// of N joins made about N x N of them.
import { expect, it } from "vitest";
import * as Y from "yjs";
import { hangUp } from "../engine/testing/testRoom.ts";
import type { MemorySocket } from "../engine/testing/memorySocket.ts";
import { encodeSyncStep1 } from "./frames.ts";
import { joinDoc, newDocRoom } from "./testing/docHarness.ts";

const ROOM_SIZE = 20;

/** Counts, per socket, how often the room asks whether it is open. */
function countOpenReads(sockets: MemorySocket[]): Map<string, number> {
  const reads = new Map<string, number>();
  for (const socket of sockets) {
    const read = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(socket), "isOpen")!.get!;
    Object.defineProperty(socket, "isOpen", { get: () => (reads.set(socket.id, (reads.get(socket.id) ?? 0) + 1), read.call(socket)), configurable: true });
  }
  return reads;
}

it(`a join to a room of ${ROOM_SIZE} sockets, and a leave, ask each other socket's open state at most once`, async () => {
  const room = newDocRoom("join-walks");
  const sockets: MemorySocket[] = [];
  for (let i = 0; i < ROOM_SIZE; i++) {
    const socket = await joinDoc(room, `user-${i}`);
    room.engine.message(socket, encodeSyncStep1(new Y.Doc()));
    sockets.push(socket);
  }
  // One still in its handshake, so the alarm has a handshake deadline to find.
  const waiting = await joinDoc(room, "waiting");
  const reads = countOpenReads(sockets);

  const joined = await joinDoc(room, "joiner");
  expect(joined.closed).toBeNull();
  expect(Math.max(...reads.values()), "open-state reads of one socket during a join").toBeLessThanOrEqual(1);
  expect(room.ports.scheduler.alarmAt, "the alarm still covers the waiting socket's handshake").not.toBeNull();

  reads.clear();
  await hangUp(room.engine, room.ports, joined);
  expect(Math.max(...reads.values()), "open-state reads of one socket during a leave").toBeLessThanOrEqual(1);
  expect(waiting.closed).toBeNull();
});
