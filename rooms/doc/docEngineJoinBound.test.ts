// Issue 17, joins: a join to a room with room to spare does not look at the room's other sockets.
// Admission's share-out (the user's own connections, the room's capacity) walked every live socket
// at every join, each walk asking the runtime whether each socket is open: N x N reads for a storm
// of N joins. A count of the room's occupants that is never too low says yes at once; the walk
// still decides every join near a limit.
import { expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCode } from "../../protocol/index.ts";
import type { MemorySocket } from "../engine/testing/memorySocket.ts";
import { RecordingServices, hangUp, testPorts } from "../engine/testing/testRoom.ts";
import { encodeSyncStep1 } from "./frames.ts";
import { joinDoc, newDocRoom } from "./testing/docHarness.ts";

const ROOM_SIZE = 20;

/** Counts how often the room asks any of `sockets` whether it is open, and for its id. */
function countOpenReads(sockets: MemorySocket[]): { reads: number; ids: number } {
  const counter = { reads: 0, ids: 0 };
  for (const socket of sockets) {
    const read = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(socket), "isOpen")!.get!;
    const id = socket.id;
    Object.defineProperty(socket, "isOpen", { get: () => (counter.reads++, read.call(socket)), configurable: true });
    Object.defineProperty(socket, "id", { get: () => (counter.ids++, id), configurable: true });
  }
  return counter;
}

it(`a join to a room of ${ROOM_SIZE} sockets with room to spare asks no other socket whether it is open`, async () => {
  const room = newDocRoom("join-bound");
  const sockets: MemorySocket[] = [];
  for (let i = 0; i < ROOM_SIZE; i++) {
    const socket = await joinDoc(room, `user-${i % 4}`);
    room.engine.message(socket, encodeSyncStep1(new Y.Doc()));
    sockets.push(socket);
  }
  const counter = countOpenReads(sockets);
  const joined = await joinDoc(room, "joiner");
  expect(joined.closed).toBeNull();
  // The share-out walked all 20 (and the walk for the next handshake deadline, before that went).
  expect(counter.reads, "open-state reads of the room's other sockets during a join").toBe(0);
  // The room's socket list compared the new socket's id with every other one's, to add it once.
  expect(counter.ids, "id reads of the room's other sockets during a join").toBe(0);
});

it("a user at the per-user cap is still refused, and admitted again once one of theirs leaves", async () => {
  const services = new RecordingServices();
  services.maxPerSub = 3;
  const room = newDocRoom("join-bound-cap", testPorts("join-bound-cap"), services);
  await joinDoc(room, "other");
  const own = [await joinDoc(room, "me"), await joinDoc(room, "me"), await joinDoc(room, "me")];
  for (const socket of own) expect(socket.closed).toBeNull();
  const fourth = await joinDoc(room, "me");
  expect(fourth.closed?.code, "the fourth of one user").toBe(CloseCode.RATE_LIMITED);
  await hangUp(room.engine, room.ports, own[0]!);
  expect((await joinDoc(room, "me")).closed, "after one of theirs left").toBeNull();
  // A socket closed without its close event reaching the room still counts for the bound, not for the walk.
  own[1]!.close(1006, "gone");
  expect((await joinDoc(room, "me")).closed, "the walk sees the closed one is gone").toBeNull();
});
