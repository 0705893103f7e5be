// client.quickJoin: one socket to WebSocket /v1/match/{gameName}/join, resolved once the welcome names
// the room; the seat's reconnects go to that room with its resume token, not to another match.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { CloseCode, PROTOCOL_VERSION } from "../protocol/index.ts";
import { createClient } from "./index.ts";
import { FakeSocket } from "./test/fakeSocket.ts";

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
});
afterEach(() => vi.useRealTimers());

const settle = () => vi.advanceTimersByTimeAsync(0);
const last = () => FakeSocket.made.at(-1)!;
const welcome = (roomId: string) =>
  JSON.stringify({ type: "welcome", protocol: PROTOCOL_VERSION, role: "player", playerId: "p", seat: 3, resumeToken: "resume-1", tickRateHz: 20, wire: "json", roomId, matchId: null, tick: 0, ack: 0, view: { n: 1 } });

function makeClient() {
  const asked: unknown[] = [];
  const client = createClient({
    baseUrl: "http://rooms.test",
    getToken: (request) => (asked.push(request), `token-${asked.length}`),
    reconnect: { minDelayMs: 10, maxDelayMs: 20, jitterMs: 1 },
    WebSocket: FakeSocket as unknown as typeof WebSocket,
  });
  return { client, asked };
}

it("opens the match's join socket with a match token, resolves at the welcome with its room, and reconnects to that room", async () => {
  const { client, asked } = makeClient();
  let resolved = false;
  const joining = client.quickJoin("arena", { region: "weur" }).then((game) => ((resolved = true), game));
  await settle();
  const first = last();
  expect(first.url).toBe("ws://rooms.test/v1/match/arena/join?region=weur&token=token-1");
  expect(asked).toEqual([{ kind: "match", gameName: "arena" }]);
  first.open();
  expect(first.json[0]).toMatchObject({ type: "hello" });
  await settle();
  expect(resolved, "resolved before the welcome").toBe(false);
  first.receive(welcome("q-room-7"));
  const game = await joining;
  expect([game.roomId, game.seat, game.status]).toEqual(["q-room-7", 3, "joined"]);

  // A drop: the reconnect goes to the room the welcome named, with that room's token and the seat's resume token.
  first.drop(1006, "network");
  await vi.advanceTimersByTimeAsync(50);
  const second = last();
  expect(second).not.toBe(first);
  expect(second.url).toBe("ws://rooms.test/v1/game/arena/q-room-7?region=weur&token=token-2");
  expect(asked[1]).toEqual({ kind: "game", gameName: "arena", roomId: "q-room-7" });
  second.open();
  expect(second.json[0]).toMatchObject({ type: "hello", resume: "resume-1" });
  game.destroy();
});

it("rejects when the join socket is closed for good before a welcome", async () => {
  const { client } = makeClient();
  const joining = client.quickJoin("arena");
  await settle();
  last().open();
  last().drop(CloseCode.FORBIDDEN, "room is locked: no new players");
  await expect(joining).rejects.toThrow(/room is locked/);
});

it("gives the join up when its signal aborts, while it retries a dropped join: the socket closes, nothing reconnects, the promise rejects with the reason", async () => {
  const { client } = makeClient();
  const controller = new AbortController();
  const joining = client.quickJoin("arena", { signal: controller.signal });
  const outcome = joining.then(() => "resolved", (error: unknown) => error);
  await settle();
  last().open();
  last().drop(1006, "network");
  await vi.advanceTimersByTimeAsync(50);
  expect(FakeSocket.made.length, "a dropped join retries").toBe(2);
  const retrying = last();
  controller.abort(new Error("unmounted"));
  expect(retrying.isClosedByClient).toBe(true);
  expect(await outcome).toEqual(new Error("unmounted"));
  await vi.advanceTimersByTimeAsync(1_000);
  expect(FakeSocket.made.length, "sockets after the abort").toBe(2);
});

it("an aborted signal asks for no token and opens no socket", async () => {
  const { client, asked } = makeClient();
  const controller = new AbortController();
  controller.abort(new Error("gone"));
  await expect(client.quickJoin("arena", { signal: controller.signal })).rejects.toThrow("gone");
  await settle();
  expect([asked.length, FakeSocket.made.length]).toEqual([0, 0]);
});
