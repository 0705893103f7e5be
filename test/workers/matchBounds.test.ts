// rooms/game/SPEC.md R6-R8, README "Game rooms": a match ends at MAX_MATCH_ENTRIES logged entries or
// after MATCH_IDLE_MS without one, with the reason in match_over and the replay header; once its
// replay is stored in R2, its entries leave the room's SQLite.
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SqliteOutbox } from "../../persistence/index.ts";
import { GameLimits, ReplayRecord } from "../../protocol/index.ts";
import { tictactoe } from "../../games/tictactoe.ts";
import { enqueueMatchExports } from "../../rooms/game/matchExports.ts";
import { inRoom, join, message, playTicTacToeWin, room, send, type Msg } from "./gameHelpers.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** Rejects naming `what` unless `promise` settles within `ms`: a bound that never ends the match fails here. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The replay R2 holds for a match, once the room's outbox has written it. */
async function storedReplay(roomId: string, matchId: string): Promise<ReplayRecord> {
  const key = `replays/tictactoe/${roomId}/${matchId}.json.gz`;
  await expect.poll(async () => (await env.ARCHIVE.head(key)) !== null, { timeout: 20_000, message: `an object at ${key}` }).toBe(true);
  const body = (await env.ARCHIVE.get(key))!.body.pipeThrough(new DecompressionStream("gzip"));
  return ReplayRecord.parse(await new Response(body).json());
}

const entryCount = (roomId: string, matchId: string) =>
  runInDurableObject(room("tictactoe", roomId), (_r, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM game_match_entry WHERE match_id = ?", matchId).one().n,
  );

describe("a match's bounds", () => {
  it("[R6] a match ends at MAX_MATCH_ENTRIES logged entries with reason entry_limit, and its replay says so", async () => {
    const roomId = `entry-limit-${Date.now()}`;
    // A lone player in a waiting tic-tac-toe match: every move is illegal, yet logged (601 did not end it).
    const first = await join("tictactoe", roomId, "flooder");
    const matchId = first.welcome.matchId!;
    first.socket.close();
    await first.socket.closed;
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking)).toBe(false);

    // The flood so far, written as the room writes it (sending it at 60 a second would take minutes).
    const flooded = GameLimits.MAX_MATCH_ENTRIES - 2; // with the join: one entry short of the bound
    await runInDurableObject(room("tictactoe", roomId), (_r, state) => {
      const { tick } = state.storage.sql.exec<{ tick: number }>("SELECT max(tick) AS tick FROM game_match_entry WHERE match_id = ?", matchId).one();
      for (let seq = 1; seq <= flooded; seq++) {
        const entry = { tick, kind: "input", playerId: "flooder", seq, input: { type: "place", cell: seq % 9 } };
        state.storage.sql.exec("INSERT INTO game_match_entry (match_id, tick, entry) VALUES (?, ?, ?)", matchId, tick, JSON.stringify(entry));
      }
    });
    await evictDurableObject(room("tictactoe", roomId)); // the room reads its record again, as after any wake

    const back = await join("tictactoe", roomId, "flooder", { resume: first.welcome.resumeToken! });
    expect(back.welcome.ack).toBe(flooded);
    const over = message(back.socket, "match_over");
    send(back.socket, flooded + 1, { type: "place", cell: 4 }); // the bound's entry
    send(back.socket, flooded + 2, { type: "place", cell: 5 }); // past the bound: not applied, not logged
    const ended = await within(over, 10_000, "match_over");
    expect(ended).toMatchObject({ matchId, reason: "entry_limit", result: { isOver: false } });
    expect(await inRoom("tictactoe", roomId, (r) => r.matchRecord(matchId)?.reason)).toBe("entry_limit");

    const replay = await storedReplay(roomId, matchId);
    expect(replay.header.reason).toBe("entry_limit");
    expect(replay.entries).toHaveLength(GameLimits.MAX_MATCH_ENTRIES);
    back.socket.close();
  }, 90_000);

  it("[R7] a match with no entry for MATCH_IDLE_MS ends with reason idle, stops ticking, and the next starts when the player acts", async () => {
    const roomId = `idle-${Date.now()}`;
    const x = await join("tictactoe", roomId, "waiter"); // waits for an opponent who never comes
    const matchId = x.welcome.matchId!;
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.describe().tick), { message: "the match ticks" }).toBeGreaterThan(0);

    // The room's clock (Date, shared with the Worker in this isolate) moves past the bound; the tick timer runs on.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + GameLimits.MATCH_IDLE_MS + 1_000);
    const ended = await within(message(x.socket, "match_over"), 10_000, "match_over");
    vi.useRealTimers();
    expect(ended).toMatchObject({ matchId, reason: "idle" });
    expect(await inRoom("tictactoe", roomId, (r) => r.matchRecord(matchId)?.reason)).toBe("idle");
    // No timer restarts it: a forgotten tab does not start a match every few minutes.
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking), { message: "the tick loop stops" }).toBe(false);
    expect(await inRoom("tictactoe", roomId, (r) => r.describe().matchId)).toBe(matchId);

    const seen = x.socket.frames.length;
    send(x.socket, 1, { type: "place", cell: 0 });
    const next: Msg<"full"> = await within(message(x.socket, "full", (m) => m.matchId !== null && m.matchId !== matchId, seen), 10_000, "a new match");
    expect(next.view).toMatchObject({ phase: "waiting", seats: { X: "waiter" } });
    x.socket.close();
  }, 30_000);

  it("[R5] a match its rules finish says so: reason finished", async () => {
    const roomId = `finished-${Date.now()}`;
    const { over, x, o } = await playTicTacToeWin(roomId, "fin-x", "fin-o");
    expect(over.reason).toBe("finished");
    expect((await storedReplay(roomId, over.matchId)).header.reason).toBe("finished");
    x.socket.close();
    o.socket.close();
  }, 30_000);
});

describe("a match a bound ended", () => {
  it("[R8] writes its replay but no leaderboard score: its rules never finished it", async () => {
    const keys = await runInDurableObject(room("tictactoe", `bound-exports-${Date.now()}`), (_r, state) => {
      const outbox = new SqliteOutbox(state.storage.sql);
      const result = { isOver: false, scores: { a: 1, b: 0 }, winners: ["a"] };
      enqueueMatchExports(outbox, tictactoe, "by-idle", { result, reason: "idle" }, 0);
      enqueueMatchExports(outbox, tictactoe, "by-entries", { result, reason: "entry_limit" }, 0);
      enqueueMatchExports(outbox, tictactoe, "by-rules", { result: { ...result, isOver: true }, reason: "finished" }, 0);
      return state.storage.sql.exec<{ key: string }>("SELECT key FROM outbox WHERE kind != 'directory' ORDER BY id").toArray().map((r) => r.key);
    });
    expect(keys).toEqual(["replay:by-idle", "replay:by-entries", "leaderboard:by-rules", "replay:by-rules"]);
  });
});

describe("a match whose replay is stored", () => {
  it("[R8] leaves its entries out of the room's SQLite, and the room still shows its final board after a wake", async () => {
    const roomId = `pruned-${Date.now()}`;
    const { over, x, o } = await playTicTacToeWin(roomId, "prune-x", "prune-o");
    const replay = await storedReplay(roomId, over.matchId);
    expect(replay.entries).toHaveLength(7); // two joins, five moves
    await expect.poll(() => entryCount(roomId, over.matchId), { timeout: 10_000, message: "entries left in SQLite" }).toBe(0);
    expect(await inRoom("tictactoe", roomId, (r) => r.matchRecord(over.matchId)?.replayStoredAt)).toEqual(expect.any(Number));

    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking)).toBe(false);
    await evictDurableObject(room("tictactoe", roomId));
    const xBack = await join("tictactoe", roomId, "prune-x", { resume: x.welcome.resumeToken! });
    expect(xBack.welcome.matchId).toBe(over.matchId);
    expect(xBack.welcome.view).toMatchObject({ phase: "over", winner: "X", board: ["X", "X", "X", "O", "O", "", "", "", ""] });
    const [live, record] = await inRoom("tictactoe", roomId, (r) => [r.liveState(), r.matchRecord(over.matchId)] as const);
    expect(live.hash).toBe(record?.finalHash);
    xBack.socket.close();
  }, 40_000);
});
