// README, "Leaderboards, replays and document history": an outbox holds at most 1,000 entries;
// when full, a game room holds its next match back.
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { D1LeaderboardStore, D1RoomDirectory, R2ReplayArchive, SqliteOutbox } from "../../persistence/index.ts";
import { GameLimits } from "../../protocol/index.ts";
import { inRoom, message, playTicTacToeWin, room, send } from "./gameHelpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** D1 and R2 refuse every write, so nothing leaves the room's outbox. */
function storesDown(): void {
  vi.spyOn(D1LeaderboardStore.prototype, "apply").mockRejectedValue(new Error("D1 down"));
  vi.spyOn(D1RoomDirectory.prototype, "apply").mockRejectedValue(new Error("D1 down"));
  vi.spyOn(R2ReplayArchive.prototype, "put").mockRejectedValue(new Error("R2 down"));
}

describe("a full outbox", () => {
  it("holds a game room's next match back past its start time, and the match starts once the outbox drains", async () => {
    const roomId = `full-outbox-${Date.now()}`;
    storesDown();
    const { over, o } = await playTicTacToeWin(roomId, "full-x", "full-o");
    const overAt = Date.now();
    // Fill the outbox to 1,000 entries with directory reports that D1 takes harmlessly once it is back.
    const backlog = await runInDurableObject(room("tictactoe", roomId), (_r, state) => {
      const outbox = new SqliteOutbox(state.storage.sql);
      for (let i = outbox.backlog(); i < 1000; i++) {
        outbox.enqueue("directory", `filler:${i}`, JSON.stringify({ type: "deleted", reportedAt: 0, room: `doc/filler-${i}` }), Date.now());
      }
      return { entries: outbox.backlog(), isFull: outbox.isFull() };
    });
    expect(backlog, "1,000 entries fill the outbox").toEqual({ entries: 1000, isFull: true });

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
