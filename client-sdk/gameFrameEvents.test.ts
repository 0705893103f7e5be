// Issue 17: the SDK asks for the binary2 wire and reads a tick's events from inside its frame,
// after the frame's view and ack, as it reads the JSON `events` message a binary room sends.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { KeyTable, assembleFrame, encodeFrameEvents, withPlayerPart, writeSet } from "../protocol/gameWireEncode.ts";
import { PROTOCOL_VERSION, WireKind } from "../protocol/index.ts";
import { ByteWriter } from "../protocol/wireBytes.ts";
import { createClient } from "./index.ts";
import { FakeSocket } from "./test/fakeSocket.ts";

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
});
afterEach(() => vi.useRealTimers());

it("asks for binary2 and emits a frame's events after its state, with the frame's tick", async () => {
  const client = createClient({ baseUrl: "http://rooms.test", getToken: () => "t", WebSocket: FakeSocket as unknown as typeof WebSocket, fetch: vi.fn() });
  const game = client.game("arena", "r1");
  const seen: unknown[] = [];
  game.on("state", (view, info) => seen.push({ state: view, ack: info.ack, tick: info.tick }));
  game.on("event", (event) => seen.push(event));
  await vi.advanceTimersByTimeAsync(0);
  const socket = FakeSocket.made.at(-1)!;
  socket.open();
  expect(JSON.parse(socket.sent[0] as string)).toMatchObject({ type: "hello", protocol: PROTOCOL_VERSION, wire: "binary2" });
  const welcome = { type: "welcome", protocol: PROTOCOL_VERSION, role: "player", playerId: "p1", seat: 0, resumeToken: null, tickRateHz: 20, wire: "binary2", matchId: "m1", tick: 1, ack: 0, view: { x: 0 } };
  socket.receive(JSON.stringify(welcome));
  const w = new ByteWriter();
  const table = new KeyTable();
  writeSet(w, table, -1, { x: 5 });
  const frame = withPlayerPart(assembleFrame(WireKind.FULL, 2, "m1", table, 0, w.copy()), 3, encodeFrameEvents([{ type: "gem", playerId: "p1" }]));
  seen.length = 0;
  socket.receive(frame);
  expect(seen).toEqual([{ state: { x: 5 }, ack: 3, tick: 2 }, { type: "game", tick: 2, event: { type: "gem", playerId: "p1" } }]);
  game.destroy();
});
