// Issue 17: one frame per client per tick. A client that asks for the `binary2` wire gets the tick's
// events inside its binary frame, not as a separate JSON `events` message; `binary` clients keep both.
import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, decodeWireFrame, type ServerGameMessage, type WireKeys } from "../../protocol/index.ts";
import type { TestSocket } from "./helpers.ts";
import { message, openGame, send } from "./gameHelpers.ts";

async function hello(roomId: string, sub: string, wire: string, role = "player") {
  const socket = await openGame("tictactoe", roomId, sub, role);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, wire }));
  return { socket, welcome: await message(socket, "welcome") };
}

/** Events a client read, by tick: from binary frames and from JSON `events` messages. */
function eventsOf(socket: TestSocket): { tick: number; events: unknown[]; inFrame: boolean }[] {
  const keys: WireKeys = { names: [], steps: [] };
  let view: unknown = null;
  const out: { tick: number; events: unknown[]; inFrame: boolean }[] = [];
  for (const frame of socket.frames) {
    if (typeof frame !== "string") {
      const decoded = decodeWireFrame(frame, view, keys);
      view = decoded.view;
      if (decoded.events) out.push({ tick: decoded.tick, events: decoded.events, inFrame: true });
      continue;
    }
    const m = JSON.parse(frame) as ServerGameMessage;
    if (m.type === "welcome") view = m.view;
    if (m.type === "events") out.push({ tick: m.tick, events: m.events, inFrame: false });
  }
  return out;
}

describe("binary2 game wire: events ride in the tick's frame", () => {
  it("gives binary2 players and spectators the events inside the frame, and binary players a separate events message", async () => {
    const x = await hello("wire-ev-1", "xavier", "binary2");
    const o = await hello("wire-ev-1", "olga", "binary");
    const watcher = await hello("wire-ev-1", "wanda", "binary2", "spectator");
    expect([x.welcome.wire, o.welcome.wire, watcher.welcome.wire]).toEqual(["binary2", "binary", "binary2"]);
    // Out of turn: O may not move first, so the tick emits an illegal_move event.
    send(o.socket, 1, { type: "place", cell: 4 });
    await message(o.socket, "events");
    const expected = [{ type: "illegal_move", playerId: "olga", cell: 4 }];
    expect(eventsOf(o.socket)).toEqual([expect.objectContaining({ events: expected, inFrame: false })]);
    for (const socket of [x.socket, watcher.socket]) {
      await expect.poll(() => eventsOf(socket)).toEqual([{ tick: eventsOf(o.socket)[0]!.tick, events: expected, inFrame: true }]);
    }
    // The ack of O's input still reaches a binary2 player's frame after the events.
    send(x.socket, 1, { type: "place", cell: 0 });
    await expect.poll(() => {
      const keys: WireKeys = { names: [], steps: [] };
      let view: unknown = null;
      let ack: number | null = null;
      for (const f of x.socket.frames) if (typeof f !== "string") ({ view, ack } = decodeWireFrame(f, view, keys));
      return { ack, board: (view as { board?: string[] } | null)?.board?.[0] };
    }).toEqual({ ack: 1, board: "X" });
    for (const s of [x, o, watcher]) s.socket.close();
  });
});
