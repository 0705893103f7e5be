// README, "Bounds of a collaboration room": at most 4 presence (awareness) clients per connection;
// a connection that speaks for a 5th is closed with 4400.
import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import { encodeAwareness, encodeQueryAwareness } from "../../rooms/doc/frames.ts";
import { devToken, openDoc, type TestSocket } from "./helpers.ts";
import { YjsMessageType } from "../../protocol/yjsMessages.ts";

/** The awareness client ids a frame carries (none if it is not an awareness frame). */
function awarenessIds(frame: string | Uint8Array): number[] {
  if (typeof frame === "string") return [];
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== YjsMessageType.AWARENESS) return [];
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const ids: number[] = [];
  for (let n = decoding.readVarUint(inner); n > 0; n--) {
    ids.push(decoding.readVarUint(inner));
    decoding.readVarUint(inner);
    decoding.readVarString(inner);
  }
  return ids;
}

const presence = (clientId: number) => ({ clientId, clock: 1, stateJson: JSON.stringify({ user: `tab-${clientId}` }) });

/**
 * Asks the room for every presence state on this connection: the room answers in order, after
 * the frames sent before, so an answer that lists `ids` means the connection was still served.
 * Resolves with the close code if the room closed the connection first.
 */
async function answerOrClose(socket: TestSocket, ids: number[]): Promise<"answered" | number> {
  const seen = socket.frames.length;
  socket.send(encodeQueryAwareness());
  const answered = socket
    .next((f): f is Uint8Array => ids.every((id) => awarenessIds(f).includes(id)), seen)
    .then(() => "answered" as const);
  return Promise.race([answered, socket.closed.then((c) => c.code)]);
}

describe("presence clients per connection", () => {
  it("serves a connection speaking for 4 presence clients, and closes it with 4400 at a 5th", async () => {
    const room = `presence-bound-${Date.now()}`;
    const socket = await openDoc(room, await devToken({ sub: "tabs", room: `doc/${room}`, role: "editor" }));
    socket.send(encodeAwareness([1, 2, 3, 4].map(presence)));
    expect(await answerOrClose(socket, [1, 2, 3, 4]), "4 presence clients on one connection are served").toBe("answered");

    socket.send(encodeAwareness([presence(5)]));
    expect(await answerOrClose(socket, [5]), "a 5th presence client closes the connection").toBe(4400);
  });
});
