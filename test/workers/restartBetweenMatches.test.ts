import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { GameLimits } from "../../protocol/index.ts";
import { inRoom, join, message, playTicTacToeWin, room } from "./gameHelpers.ts";

describe("a game room restarted between matches", () => {
  it("[9] still starts the next match with its seated players (R5), as a deploy in the pause would leave it", async () => {
    const { over, x, o } = await playTicTacToeWin("between");
    // The deploy lands in the pause after the match: every socket drops, the room is unloaded.
    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    await expect.poll(() => inRoom("tictactoe", "between", (r) => r.isTicking)).toBe(false);
    // The pause is over by the time the players are back (no need to sleep through it).
    await runInDurableObject(room("tictactoe", "between"), (_r, state) => {
      state.storage.sql.exec("UPDATE game_match SET ended_at = ended_at - ?", GameLimits.RESTART_DELAY_MS);
    });
    await evictDurableObject(room("tictactoe", "between"));
    const xBack = await join("tictactoe", "between", "xavier", { resume: x.welcome.resumeToken! });
    const oBack = await join("tictactoe", "between", "olga", { resume: o.welcome.resumeToken! });
    expect([xBack.welcome.seat, oBack.welcome.seat]).toEqual([0, 1]);
    const next = await message(oBack.socket, "full", (m) => m.matchId !== null && m.matchId !== over.matchId);
    expect(next.view).toMatchObject({ seats: { X: "xavier", O: "olga" }, phase: "playing" });
    xBack.socket.close();
    oBack.socket.close();
  });

  it("[9] shows the ended match's final board while the pause lasts, as a room that was not restarted does", async () => {
    const { over, x, o } = await playTicTacToeWin("between-shown");
    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    await expect.poll(() => inRoom("tictactoe", "between-shown", (r) => r.isTicking)).toBe(false);
    await evictDurableObject(room("tictactoe", "between-shown"));
    const xBack = await join("tictactoe", "between-shown", "xavier", { resume: x.welcome.resumeToken! });
    expect(xBack.welcome.matchId).toBe(over.matchId);
    expect(xBack.welcome.view).toMatchObject({ phase: "over", winner: "X", board: ["X", "X", "X", "O", "O", "", "", "", ""] });
    // The restored state is the final one the match record names, not a replay stopped short.
    const [live, record] = await inRoom("tictactoe", "between-shown", (r) => [r.liveState(), r.matchRecord(over.matchId)] as const);
    expect(live.hash).toBe(record?.finalHash);
    expect(live.tick).toBe(record?.finalTick);
    xBack.socket.close();
  });
});
