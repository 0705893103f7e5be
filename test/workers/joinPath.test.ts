// Issue 17, joins: what a game join costs the room, counted, not timed (bench/game.mjs times it).
import { afterEach, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import { message, openGame } from "./gameHelpers.ts";

/** Counts calls into the runtime's attachment read (WebSocket.prototype.deserializeAttachment) while installed. */
function countAttachmentReads() {
  const proto = WebSocket.prototype as { deserializeAttachment(): unknown };
  const original = proto.deserializeAttachment;
  const counter = { reads: 0, restore: () => void (proto.deserializeAttachment = original) };
  proto.deserializeAttachment = function (this: WebSocket) {
    counter.reads++;
    return original.call(this);
  };
  return counter;
}

let restore = () => {};
afterEach(() => restore());

it("a player's hello is answered without the runtime reading the socket's attachment back", async () => {
  const roomId = `hello-reads-${Date.now()}`;
  // The room starts with its first player; the players after it are the join path being counted.
  const first = await openGame("crowd", roomId, "first");
  first.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await message(first, "welcome");
  const sockets = await Promise.all(["p1", "p2", "p3"].map((sub) => openGame("crowd", roomId, sub)));
  const counter = countAttachmentReads();
  restore = counter.restore;
  for (const socket of sockets) socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await Promise.all(sockets.map((socket) => message(socket, "welcome")));
  // partyserver read each socket's attachment to check it was one of its own (a structured clone per hello).
  expect(counter.reads, "attachment reads for 3 hellos").toBe(0);
  for (const socket of [first, ...sockets]) socket.close();
});
