// The game engine in plain Node: no workerd, a clock and ticks moved by hand (issue 16, item 1).
// The workerd tests (test/workers/gameRoom*.test.ts, matchBounds, restartBetweenMatches) keep what
// needs the runtime: hibernation, eviction, the HTTP routes.
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { arena } from "../../../games/arena.ts";
import { tictactoe } from "../../../games/tictactoe.ts";
import { OutboxLimits } from "../../../persistence/outbox.ts";
import { CloseCode, GameLimits, RoomLimits, ReplayRecord, hashState, replayMatch } from "../../../protocol/index.ts";
import { gameHarness, type TestSocket } from "./gameHarness.ts";

const place = (seq: number, cell: number) => ({ type: "input", seq, input: { type: "place", cell } });

/** Two players seated at tic-tac-toe: xavier is X, olga O. */
async function seatedTicTacToe() {
  const room = gameHarness(tictactoe);
  const x = await room.join("xavier");
  const o = await room.join("olga");
  return { room, x, o };
}

/** X takes the top row while O plays the middle one, one move a tick. */
function playXWins(room: ReturnType<typeof gameHarness>, x: TestSocket, o: TestSocket): void {
  const moves: [TestSocket, number, number][] = [[x, 1, 0], [o, 1, 3], [x, 2, 1], [o, 2, 4], [x, 3, 2]];
  for (const [socket, seq, cell] of moves) {
    room.say(socket, place(seq, cell));
    room.tick();
  }
}

describe("game engine on Node", () => {
  it("plays tic-tac-toe to its end by ticks; the replay re-simulates to the live hash; the leaderboard gets the win", async () => {
    const { room, x, o } = await seatedTicTacToe();
    expect(x.last("welcome")).toMatchObject({ seat: 0, role: "player", playerId: "xavier" });
    expect(room.engine.isTicking).toBe(true);
    playXWins(room, x, o);
    const over = x.last("match_over");
    expect(over).toMatchObject({ reason: "finished", result: { winners: ["xavier"], isOver: true } });
    const live = room.engine.admin.liveState();
    const record = room.engine.admin.matchRecord(over!.matchId)!;
    expect(hashState(replayMatch(tictactoe, { ...record, finalTick: record.finalTick! }).state)).toBe(live.hash);
    expect(record.finalHash).toBe(live.hash);

    // The core's alarm flushes the outbox: the leaderboard writes, the replay and the match.ended event.
    room.clock.advance(OutboxLimits.FLUSH_DELAY_MS);
    await room.alarm();
    expect(room.events.map((e) => e.key)).toEqual([`event_hook:match.ended:${over!.matchId}`]);
    expect(room.core.outbox.status().backlog).toBe(0);
    const wins = await room.leaderboards.page({ board: "tictactoe.wins", periodKey: "all", order: "desc", limit: 10 });
    expect(wins).toMatchObject([{ playerId: "xavier", score: 1, rank: 1 }]);
    const stored = await room.replays.get("tictactoe", "room-1", over!.matchId);
    const replay = ReplayRecord.parse(JSON.parse(await new Response(stored).text()));
    expect(replay.header.finalStateHash).toBe(live.hash);
    expect(hashState(replayMatch(tictactoe, { ...replay.header, entries: replay.entries }).state)).toBe(live.hash);
  });

  it("[R4] holds a dropped seat for its player, given back with the resume token", async () => {
    const { room, x, o } = await seatedTicTacToe();
    room.say(x, place(1, 4));
    room.tick();
    const token = x.last("welcome")!.resumeToken!;
    await room.close(x);
    expect(room.engine.admin.seats().find((s) => s.playerId === "xavier")?.droppedAt).toBe(room.clock.now());
    room.clock.advance(GameLimits.SEAT_HOLD_MS - 1);
    await room.alarm();
    const back = await room.join("xavier", { resume: token });
    expect(back.last("welcome")).toMatchObject({ seat: 0, ack: 1, view: { board: ["", "", "", "", "X", "", "", "", ""], phase: "playing" } });
    expect(o.isOpen).toBe(true);
  });

  it("[R4] a second socket of a seated player is refused without the resume token and takes the seat with it", async () => {
    const { room, x } = await seatedTicTacToe();
    const intruder = await room.join("xavier");
    expect(intruder.closed?.code).toBe(CloseCode.ROOM_FULL);
    const replacement = await room.join("xavier", { resume: x.last("welcome")!.resumeToken! });
    expect(replacement.last("welcome")?.seat).toBe(0);
    expect(x.closed?.code).toBe(CloseCode.REPLACED);
  });

  it("gives a seat back after SEAT_HOLD_MS, by the alarm's work, and reports the seats", async () => {
    const { room, x } = await seatedTicTacToe();
    await room.close(x);
    expect(room.engine.nextAlarmWork()).toBe(room.clock.now() + GameLimits.SEAT_HOLD_MS);
    room.clock.advance(GameLimits.SEAT_HOLD_MS);
    await room.alarm();
    expect(room.engine.admin.seats().map((s) => s.playerId)).toEqual(["olga"]);
    expect(room.seatReports.at(-1)).toEqual({ seated: ["olga"], held: 0, gone: [] });
  });

  it("reports a seat that becomes held for a dropped player, and taken back, so the matchmaker can tell absent players from present ones", async () => {
    const { room, x } = await seatedTicTacToe();
    expect(room.seatReports.at(-1)).toEqual({ seated: ["xavier", "olga"], held: 0, gone: [] });
    const token = x.last("welcome")!.resumeToken!;
    await room.close(x);
    expect(room.seatReports.at(-1)).toEqual({ seated: ["xavier", "olga"], held: 1, gone: [] });
    await room.join("xavier", { resume: token });
    expect(room.seatReports.at(-1)).toEqual({ seated: ["xavier", "olga"], held: 0, gone: [] });
  });

  it("reports a player whose connection closed before it was seated, so a reservation they hold here ends now", async () => {
    const { room, x } = await seatedTicTacToe();
    const walkedAway = await room.open("yuri"); // a quick join abandoned before its hello was answered
    await room.close(walkedAway);
    expect(room.seatReports.at(-1)).toEqual({ seated: ["xavier", "olga"], held: 0, gone: ["yuri"] });
    // A seated player's second connection that closes before its hello leaves their seat, and reports nothing.
    const reports = room.seatReports.length;
    await room.close(await room.open("xavier"));
    expect(room.seatReports).toHaveLength(reports);
    expect(x.isOpen).toBe(true);
  });

  it("answers an invalid input with invalid_input and its seq, then closes with 4400 after MAX_STRIKES", async () => {
    const room = gameHarness(arena);
    const ada = await room.join("ada");
    room.say(ada, { type: "input", seq: 1, input: { type: "teleport" } });
    expect(ada.last("error")).toMatchObject({ code: "invalid_input", seq: 1 });
    for (let seq = 2; seq <= GameLimits.MAX_STRIKES + 1 && ada.isOpen; seq++) {
      room.clock.advance(1000); // under the rate limit: only the strikes count
      room.say(ada, { type: "input", seq, input: { type: "teleport" } });
    }
    expect(ada.closed?.code).toBe(CloseCode.BAD_MESSAGE);
  });

  it("refuses a spectator's input, and a spectator holds no seat", async () => {
    const room = gameHarness(arena);
    await room.join("ada");
    const watcher = await room.join("watcher", { role: "spectator" });
    expect(watcher.last("welcome")).toMatchObject({ role: "spectator", seat: null, resumeToken: null });
    room.say(watcher, { type: "input", seq: 1, input: { type: "move", dx: 1, dy: 0 } });
    expect(watcher.last("error")).toMatchObject({ code: "spectator", seq: 1 });
    room.tick();
    expect(room.engine.admin.seats().map((s) => s.playerId)).toEqual(["ada"]);
    expect(room.engine.admin.matchRecord(room.engine.admin.describe().matchId!)!.entries.filter((e) => e.kind === "input")).toEqual([]);
  });

  it("closes a socket that never said hello with 4408 once HANDSHAKE_TIMEOUT_MS passed", async () => {
    const room = gameHarness(arena);
    const silent = await room.open("quiet");
    expect(room.engine.nextAlarmWork()).toBe(room.clock.now() + RoomLimits.HANDSHAKE_TIMEOUT_MS);
    room.clock.advance(RoomLimits.HANDSHAKE_TIMEOUT_MS - 1);
    await room.alarm();
    expect(silent.isOpen).toBe(true);
    room.clock.advance(1);
    await room.alarm();
    expect(silent.closed?.code).toBe(CloseCode.HANDSHAKE_TIMEOUT);
  });

  it("closes a socket with 4440 at its token's expiry, by the alarm", async () => {
    const room = gameHarness(arena);
    const ada = await room.open("ada", "player", room.clock.now() / 1000 + 60);
    room.say(ada, { type: "hello", protocol: 1 });
    room.clock.advance(60_000);
    await room.alarm();
    expect(ada.closed?.code).toBe(CloseCode.TOKEN_EXPIRED);
  });

  it("[R3] ticks only while a player is connected", async () => {
    const room = gameHarness(arena);
    await room.join("watcher", { role: "spectator" });
    expect(room.engine.isTicking).toBe(false);
    const ada = await room.join("ada");
    expect(room.engine.isTicking).toBe(true);
    await room.close(ada);
    expect(room.engine.isTicking).toBe(false);
  });

  it("[R4] a new engine on the same database restores the running match, its seats and acks", async () => {
    const database = new DatabaseSync(":memory:");
    const room = gameHarness(arena, "room-1", database);
    const ada = await room.join("ada");
    for (let seq = 1; seq <= 3; seq++) {
      room.say(ada, { type: "input", seq, input: { type: "move", dx: 1, dy: 0 } });
      room.tick(2);
    }
    const { matchId } = room.engine.admin.describe();
    // Unloaded mid-match with no checkpoint (an eviction): the record holds every applied input.
    room.reload();
    expect(room.engine.admin.describe()).toMatchObject({ matchId, seats: [{ playerId: "ada", seat: 0 }] });
    const resumed = await room.join("ada", { resume: ada.last("welcome")!.resumeToken! });
    expect(resumed.last("welcome")).toMatchObject({ matchId, seat: 0, ack: 3 });
    // Emptied (the tick stops and checkpoints), then unloaded: the new engine is exactly where it was.
    await room.close(resumed);
    const before = room.engine.admin.liveState();
    room.reload();
    expect(room.engine.admin.liveState()).toEqual(before);
    const back = await room.join("ada", { resume: ada.last("welcome")!.resumeToken! });
    expect(back.last("welcome")).toMatchObject({ matchId, seat: 0, ack: 3, tick: before.tick });
  });
});
