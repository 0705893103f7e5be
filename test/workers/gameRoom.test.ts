import { exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { GameLimits, hashState, replayMatch, PROTOCOL_VERSION } from "../../protocol/index.ts";
import { arena } from "../../games/arena.ts";
import { CROWD_MAX_PLAYERS } from "../../games/crowd.ts";
import { BASE, TestSocket, devToken } from "./helpers.ts";
import { inRoom, join, message, openGame, room, send } from "./gameHelpers.ts";

describe("game room routing", () => {
  it("answers an unknown game with a 404 before touching a room", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/game/chess/r1`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "unknown_game" } });
  });

  it("refuses a document role for a game with 403", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/game/arena/r1?token=${await devToken({ sub: "u", room: "game/*", role: "editor" })}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(response.status).toBe(403);
  });
});

describe("game room handshake and ticking", () => {
  it("welcomes a player with a seat, a resume token, the tick rate and a full view", async () => {
    const { socket, welcome } = await join("arena", "hello-1", "ada");
    expect(welcome).toMatchObject({ role: "player", playerId: "ada", seat: 0, tickRateHz: 20, ack: 0 });
    expect(welcome.resumeToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(welcome.view).toMatchObject({ players: { ada: { score: 0 } } });
    socket.close();
  });

  it("records the location hint of the first connection, like document rooms", async () => {
    const socket = await openGame("arena", "placed", "ada", "player", "&region=apac");
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await message(socket, "welcome");
    expect(await inRoom("arena", "placed", (r) => r.describe().locationHint)).toBe("apac");
    socket.close();
  });

  it("closes a client with another protocol version with 4426", async () => {
    const socket = await openGame("arena", "hello-2", "ada");
    socket.send(JSON.stringify({ type: "hello", protocol: 7 }));
    expect((await socket.closed).code).toBe(4426);
  });

  it("[R3] ticks while a player is connected and stops when the room empties", async () => {
    const spectator = await join("arena", "ticks", "watcher", { role: "spectator" });
    expect(await inRoom("arena", "ticks", (r) => r.isTicking)).toBe(false);
    const player = await join("arena", "ticks", "ada");
    expect(await inRoom("arena", "ticks", (r) => r.isTicking)).toBe(true);
    await message(spectator.socket, "delta");
    player.socket.close();
    await player.socket.closed;
    await expect.poll(() => inRoom("arena", "ticks", (r) => r.isTicking)).toBe(false);
    spectator.socket.close();
  });

  it("sends per-tick deltas with the tick and the player's last applied seq, each small", async () => {
    const a = await join("arena", "deltas", "ada");
    const b = await join("arena", "deltas", "bob");
    send(a.socket, 1, { type: "move", dx: 1, dy: 0 });
    send(b.socket, 1, { type: "move", dx: 0, dy: 1 });
    const acked = await message(a.socket, "delta", (m) => m.ack === 1);
    expect(acked.tick).toBeGreaterThan(0);
    const seen = a.socket.frames.length;
    await message(a.socket, "delta", (m) => m.tick >= acked.tick + 20, seen);
    const sizes = a.socket.frames
      .slice(seen)
      .filter((f): f is string => typeof f === "string" && f.includes('"type":"delta"'))
      .map((f) => f.length);
    // Two moving players per tick: far under the bound, and a test prints the measured size.
    console.log(`arena delta bytes over ${sizes.length} ticks: max ${Math.max(...sizes)}, mean ${Math.round(sizes.reduce((x, y) => x + y, 0) / sizes.length)}`);
    expect(Math.max(...sizes)).toBeLessThan(256);
    a.socket.close();
    b.socket.close();
  });
});

describe("input checks", () => {
  it("answers an input that fails the game's schema with invalid_input and its seq", async () => {
    const { socket } = await join("arena", "invalid", "ada");
    send(socket, 1, { type: "move", dx: 5, dy: 0 });
    expect(await message(socket, "error")).toMatchObject({ code: "invalid_input", seq: 1 });
    socket.close();
  });

  it("closes after repeated invalid inputs with 4400", async () => {
    const { socket } = await join("arena", "abuse", "ada");
    for (let i = 1; i <= GameLimits.MAX_STRIKES + 1; i++) send(socket, i, { type: "nonsense" });
    expect((await socket.closed).code).toBe(4400);
  });

  it(`closes an input over ${GameLimits.MAX_INPUT_BYTES} bytes with 4413`, async () => {
    const { socket } = await join("arena", "big-input", "ada");
    send(socket, 1, { type: "move", dx: 0, dy: 0, pad: "x".repeat(GameLimits.MAX_INPUT_BYTES) });
    expect((await socket.closed).code).toBe(4413);
  });

  it("answers inputs sent too fast with rate_limited, then closes with 4429", async () => {
    const { socket } = await join("arena", "fast", "ada");
    // Far past the burst: the bucket refills while the frames are in flight.
    const total = GameLimits.MESSAGE_BURST * 10;
    for (let i = 1; i <= total; i++) send(socket, i, { type: "move", dx: 0, dy: 0 });
    expect(await message(socket, "error")).toMatchObject({ code: "rate_limited" });
    expect((await socket.closed).code).toBe(4429);
  });

  it("refuses a spectator's input", async () => {
    const { socket } = await join("arena", "spectating", "watcher", { role: "spectator" });
    send(socket, 1, { type: "move", dx: 1, dy: 0 });
    expect(await message(socket, "error")).toMatchObject({ code: "spectator", seq: 1 });
    socket.close();
  });

  it("refuses the player after a full room with 4409", async () => {
    const x = await join("tictactoe", "full", "xavier");
    const o = await join("tictactoe", "full", "olga");
    const third = await openGame("tictactoe", "full", "theo");
    third.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    expect((await third.closed).code).toBe(4409);
    x.socket.close();
    o.socket.close();
  });

  it(`[C1] seats ${CROWD_MAX_PLAYERS} crowd players in one room and refuses the next with 4409`, async () => {
    const players = await Promise.all(Array.from({ length: CROWD_MAX_PLAYERS }, (_, i) => join("crowd", "packed", `fan-${i}`)));
    expect(new Set(players.map((p) => p.welcome.seat)).size).toBe(CROWD_MAX_PLAYERS);
    expect(await inRoom("crowd", "packed", (r) => r.describe().seats.length)).toBe(CROWD_MAX_PLAYERS);
    const late = await openGame("crowd", "packed", "latecomer");
    late.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    expect((await late.closed).code).toBe(4409);
    for (const { socket } of players) socket.close();
  });
});

describe("seats and resume", () => {
  it("[R4] the resume token restores the seat after a disconnect", async () => {
    const first = await join("tictactoe", "resume-1", "xavier");
    const other = await join("tictactoe", "resume-1", "olga");
    first.socket.close();
    await first.socket.closed;
    const again = await join("tictactoe", "resume-1", "xavier", { resume: first.welcome.resumeToken! });
    expect(again.welcome.seat).toBe(first.welcome.seat);
    expect(again.welcome.view).toMatchObject({ seats: { X: "xavier", O: "olga" }, phase: "playing" });
    again.socket.close();
    other.socket.close();
  });

  it("[R4] seats and the match survive evictDurableObject", async () => {
    const x = await join("tictactoe", "resume-2", "xavier");
    const o = await join("tictactoe", "resume-2", "olga");
    send(x.socket, 1, { type: "place", cell: 4 });
    await message(o.socket, "delta", (m) => m.patch.length > 0);
    // Both drop; the room stops ticking, and is then evicted from memory.
    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    await expect.poll(() => inRoom("tictactoe", "resume-2", (r) => r.isTicking)).toBe(false);
    await evictDurableObject(room("tictactoe", "resume-2"));
    const back = await join("tictactoe", "resume-2", "xavier", { resume: x.welcome.resumeToken! });
    expect(back.welcome.seat).toBe(0);
    expect(back.welcome.ack).toBe(1);
    expect(back.welcome.view).toMatchObject({ board: ["", "", "", "", "X", "", "", "", ""], turn: "O" });
    const olga = await join("tictactoe", "resume-2", "olga", { resume: o.welcome.resumeToken! });
    expect(olga.welcome.seat).toBe(1);
    back.socket.close();
    olga.socket.close();
  });

  it(`[R4] gives a dropped seat back after ${GameLimits.SEAT_HOLD_MS / 1000} s, by alarm`, async () => {
    const x = await join("tictactoe", "expiry", "xavier");
    const o = await join("tictactoe", "expiry", "olga");
    x.socket.close();
    await x.socket.closed;
    await expect.poll(() => inRoom("tictactoe", "expiry", (r) => r.describe().seats.find((s) => s.playerId === "xavier")?.droppedAt)).not.toBeNull();
    expect(await runDurableObjectAlarm(room("tictactoe", "expiry"))).toBe(true);
    // Too early: the seat is still held and the alarm is set again.
    expect((await inRoom("tictactoe", "expiry", (r) => r.describe().seats)).map((s) => s.playerId)).toEqual(["xavier", "olga"]);
    await runInDurableObject(room("tictactoe", "expiry"), (_r, state) => {
      state.storage.sql.exec("UPDATE game_seat SET dropped_at = dropped_at - ?", GameLimits.SEAT_HOLD_MS);
    });
    expect(await runDurableObjectAlarm(room("tictactoe", "expiry"))).toBe(true);
    expect((await inRoom("tictactoe", "expiry", (r) => r.describe().seats)).map((s) => s.playerId)).toEqual(["olga"]);
    // [T5] leaving during play forfeits: olga wins.
    expect(await message(o.socket, "match_over")).toMatchObject({ result: { winners: ["olga"] } });
    o.socket.close();
  });

  it("gives the seat back at once to a player who leaves on purpose (close 1000, as the SDK's destroy), and the match goes on without them", async () => {
    const x = await join("tictactoe", "left", "xavier");
    const o = await join("tictactoe", "left", "olga");
    x.socket.leave();
    await x.socket.closed;
    // No hold: the seat is gone, and [T5] leaving during play forfeits at once.
    await expect.poll(() => inRoom("tictactoe", "left", (r) => r.describe().seats.map((s) => s.playerId))).toEqual(["olga"]);
    expect(await message(o.socket, "match_over")).toMatchObject({ result: { winners: ["olga"] } });
    // The seat is free for a newcomer now, not 20 s from now.
    const p = await join("tictactoe", "left", "paul");
    expect(p.welcome.seat).toBe(x.welcome.seat);
    p.socket.close();
    o.socket.close();
  });

  it("a second connection of a seated player needs the resume token to take the seat", async () => {
    const first = await join("arena", "takeover", "ada");
    const intruder = await openGame("arena", "takeover", "ada");
    intruder.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    expect((await intruder.closed).code).toBe(4409);
    const second = await join("arena", "takeover", "ada", { resume: first.welcome.resumeToken! });
    expect(second.welcome.seat).toBe(first.welcome.seat);
    expect((await first.socket.closed).code).toBe(4410);
    second.socket.close();
  });
});

describe("the match record", () => {
  it("holds every applied input with its tick, and replays to the room's state", async () => {
    const a = await join("arena", "record", "ada");
    const moves = [
      { type: "move", dx: 1, dy: 0 },
      { type: "move", dx: 0, dy: 1 },
      { type: "move", dx: -1, dy: -1 },
    ];
    for (const [i, move] of moves.entries()) {
      send(a.socket, i + 1, move);
      await message(a.socket, "delta", (m) => m.ack === i + 1);
    }
    send(a.socket, 2, { type: "move", dx: 1, dy: 1 }); // stale seq: not applied, not recorded
    const { record, tick, hash } = await inRoom("arena", "record", (r) => ({ ...r.liveState(), record: r.matchRecord(r.describe().matchId!)! }));
    const inputs = record.entries.filter((e) => e.kind === "input");
    expect(inputs.map((e) => (e.kind === "input" ? [e.seq, e.input] : null))).toEqual(moves.map((m, i) => [i + 1, m]));
    expect(record).toMatchObject({ version: arena.version, players: ["ada"] });
    const replayed = replayMatch(arena, { seed: record.seed, players: record.players, entries: record.entries, finalTick: tick });
    expect(hashState(replayed.state)).toBe(hash);
    a.socket.close();
  });

  it("plays tic-tac-toe to a win and records the result", async () => {
    const x = await join("tictactoe", "to-a-win", "xavier");
    const o = await join("tictactoe", "to-a-win", "olga");
    const moves: [TestSocket, number][] = [[x.socket, 0], [o.socket, 3], [x.socket, 1], [o.socket, 4], [x.socket, 2]];
    const seqs = new Map<TestSocket, number>();
    for (const [socket, cell] of moves) {
      const seq = (seqs.get(socket) ?? 0) + 1;
      seqs.set(socket, seq);
      send(socket, seq, { type: "place", cell });
      await message(socket, "delta", (m) => m.ack === seq);
    }
    const over = await message(o.socket, "match_over");
    expect(over.result).toEqual({ isOver: true, scores: { xavier: 1, olga: 0 }, winners: ["xavier"] });
    const stored = await inRoom("tictactoe", "to-a-win", (r) => r.matchRecord(over.matchId));
    expect(stored?.result).toEqual(over.result);
    x.socket.close();
    o.socket.close();
  });
});
