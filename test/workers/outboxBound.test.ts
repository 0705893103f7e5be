// README, "Leaderboards, replays and document history": an outbox holds at most 1,000 entries, the
// last 4 kept for a match's end; when the rest are taken, a game room holds its next match back.
import { runInDurableObject } from "cloudflare:test";
import type { GameRoom } from "../../rooms/game/GameRoom.ts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { D1LeaderboardStore, D1RoomDirectory, OutboxFullError, OutboxLimits, R2ReplayArchive, SqliteOutbox } from "../../persistence/index.ts";
import { GameLimits } from "../../protocol/index.ts";
import { inRoom, join, message, playTicTacToeWin, room, send } from "./gameHelpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** D1 and R2 refuse every write, so nothing leaves the room's outbox. */
function storesDown(): void {
  vi.spyOn(D1LeaderboardStore.prototype, "apply").mockRejectedValue(new Error("D1 down"));
  vi.spyOn(D1RoomDirectory.prototype, "apply").mockRejectedValue(new Error("D1 down"));
  vi.spyOn(R2ReplayArchive.prototype, "put").mockRejectedValue(new Error("R2 down"));
}

/**
 * Fills a room's outbox with directory reports (which D1 takes harmlessly once it is back) until
 * the outbox refuses one, as a room's own reports would.
 */
function fillOutbox(roomId: string) {
  return runInDurableObject(room("tictactoe", roomId), (_r, state) => {
    const outbox = new SqliteOutbox(state.storage.sql);
    for (let i = 0; ; i++) {
      try {
        outbox.enqueue("directory", `filler:${i}`, JSON.stringify({ type: "deleted", reportedAt: 0, room: `doc/filler-${i}` }), Date.now());
      } catch (error) {
        if (!(error instanceof OutboxFullError)) throw error;
        return { entries: outbox.backlog(), isFull: outbox.isFull() };
      }
    }
  });
}

describe("a full outbox", () => {
  it("holds a game room's next match back past its start time, and the match starts once the outbox drains", async () => {
    const roomId = `full-outbox-${Date.now()}`;
    storesDown();
    const { over, o } = await playTicTacToeWin(roomId, "full-x", "full-o");
    const overAt = Date.now();
    // Fill the outbox as far as a room's own entries may (the rest is kept for a match's end).
    const backlog = await fillOutbox(roomId);
    expect(backlog, "996 entries fill the outbox for all but a match's end").toEqual({ entries: OutboxLimits.MAX_ENTRIES - OutboxLimits.RESERVED_ENTRIES, isFull: true });

    // Each input after the match is acknowledged at the next tick: keep going until a tick has run
    // past the moment the next match was due (the match's end plus the restart pause).
    let seq = 2; // o placed two marks in the match
    const tick = async () => {
      const seen = o.socket.frames.length;
      send(o.socket, ++seq, { type: "place", cell: 8 });
      // Its delta, or the full view of a new match (which starts with no acks).
      await Promise.race([message(o.socket, "delta", (m) => m.ack === seq, seen), message(o.socket, "full", () => true, seen)]);
    };
    while (Date.now() < overAt + GameLimits.RESTART_DELAY_MS) await tick();
    await tick();
    await tick();
    expect(await inRoom("tictactoe", roomId, (r) => r.describe().matchId), "the match after a full outbox").toBe(over.matchId);

    // Cloud storage is back: the alarm drains the outbox, and the next match starts.
    vi.restoreAllMocks();
    await expect
      .poll(() => inRoom("tictactoe", roomId, (r) => r.describe().matchId), { timeout: 20_000, message: "the next match once cloud storage is back" })
      .not.toBe(over.matchId);
    const next = await message(o.socket, "full", (m) => m.matchId !== null && m.matchId !== over.matchId);
    expect(next.view).toMatchObject({ phase: "playing" });
    expect(await inRoom("tictactoe", roomId, (r) => r.describe().outbox.backlog)).toBeLessThan(1000);
  }, 60_000);
});

describe("a match that ends while other entries have filled the outbox", () => {
  it("still ends: its result, leaderboard writes and replay are committed with room kept for them", async () => {
    const roomId = `end-at-full-${Date.now()}`;
    storesDown();
    const x = await join("tictactoe", roomId, "endfull-x");
    const o = await join("tictactoe", roomId, "endfull-o");
    expect((await fillOutbox(roomId)).isFull).toBe(true);

    const moves: [typeof x, number][] = [[x, 0], [o, 3], [x, 1], [o, 4], [x, 2]];
    const seqs = new Map<typeof x, number>();
    for (const [player, cell] of moves) {
      const seq = (seqs.get(player) ?? 0) + 1;
      seqs.set(player, seq);
      send(player.socket, seq, { type: "place", cell });
      await message(player.socket, "delta", (m) => m.ack === seq);
    }
    // The tick that applied the winning move broadcast the end before that move's delta.
    const over = o.socket.frames.map((f) => (typeof f === "string" ? JSON.parse(f) : null)).find((m) => m?.type === "match_over");
    expect(over, "match_over before the winning move's delta").toMatchObject({ result: { isOver: true, winners: ["endfull-x"] } });

    const stored = await runInDurableObject(room("tictactoe", roomId), (r: GameRoom, state) => ({
      endedAt: r.matchRecord(over.matchId)?.endedAt ?? null,
      keys: state.storage.sql.exec<{ key: string }>("SELECT key FROM outbox WHERE kind != 'directory' ORDER BY key").toArray().map((k) => k.key),
    }));
    expect(stored.endedAt, "the match's end is stored").not.toBeNull();
    expect(stored.keys).toEqual([`leaderboard:${over.matchId}`, `replay:${over.matchId}`]);
    x.socket.close();
    o.socket.close();
  }, 30_000);
});

