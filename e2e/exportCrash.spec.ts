import { expect, test } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type GameConnection } from "../client-sdk/index.ts";
import type { tictactoe } from "../games/tictactoe.ts";
import { devToken, eventually } from "./support/service.ts";
import { killTree, startService } from "./support/wranglerProcess.ts";

/** This suite's own `wrangler dev`; EXPORT_CRASH_PORT moves it (as FAULT_PORT moves the fault suite's). */
const PORT = Number(process.env.EXPORT_CRASH_PORT ?? 8797);
const BASE = `http://127.0.0.1:${PORT}`;

function player(sub: string) {
  return createClient({ baseUrl: BASE, getToken: () => devToken(BASE, { sub, room: "game/tictactoe/*", role: "player" }) });
}

/** Plays one tic-tac-toe match to X's win; resolves with the match id when both saw match_over. */
async function playToWin(xSub: string, oSub: string): Promise<{ roomId: string; matchId: string; games: GameConnection<typeof tictactoe>[] }> {
  const x = await player(xSub).joinOrCreate<typeof tictactoe>("tictactoe", { mode: "private" });
  // X is whoever sits first: let x sit before o connects.
  await x.whenStatus("joined");
  const o = player(oSub).game<typeof tictactoe>("tictactoe", x.roomId);
  await o.whenStatus("joined");
  await eventually(() => x.view?.phase === "playing", 10_000, "both seated");
  const over = new Promise<string>((resolve) => o.on("event", (e) => e.type === "match_over" && resolve(e.matchId)));
  for (const [game, cell] of [[x, 0], [o, 3], [x, 1], [o, 4], [x, 2]] as const) {
    await eventually(() => game.view?.turn === (game === x ? "X" : "O") && game.view.phase === "playing", 10_000, "turn");
    const seq = game.send({ type: "place", cell });
    await eventually(() => game.info.ack >= seq, 10_000, "input applied");
  }
  return { roomId: x.roomId, matchId: await over, games: [x, o] };
}

test("a match's exports still in its room's outbox at a SIGKILL are delivered exactly once after restart", async () => {
  test.setTimeout(180_000);
  const state = await mkdtemp(join(tmpdir(), "edgeroom-export-crash-"));
  // The first run has no D1 tables (migrations not applied), as when D1 is down: each match's
  // leaderboard write fails and stays in its room's outbox until after the kill, however long the
  // machine takes. (Its replay goes to R2 a second after the end, before or after the kill.)
  let service: ChildProcess | null = await startService(PORT, state, { migrate: false });
  try {
    const matches = await Promise.all([playToWin("crash-a", "crash-b"), playToWin("crash-a", "crash-c")]);
    await killTree(service);
    service = null;
    for (const m of matches) for (const g of m.games) g.destroy();

    service = await startService(PORT, state);
    for (const m of matches) {
      await expect
        .poll(async () => ((await (await fetch(`${BASE}/v1/replays/tictactoe/${m.roomId}`)).json()) as { matches: { matchId: string }[] }).matches.map((r) => r.matchId), { timeout: 30_000 })
        .toEqual([m.matchId]);
    }
    // One win per match for crash-a: each held write delivered, none twice (the board adds them up).
    await expect
      .poll(async () => ((await (await fetch(`${BASE}/v1/leaderboards/tictactoe.wins?around=crash-a&limit=1`)).json()) as { entries: unknown[] }).entries, { message: "crash-a's wins after the restart", timeout: 30_000 })
      .toEqual([{ rank: 1, playerId: "crash-a", score: 2 }]);
  } finally {
    if (service) await killTree(service);
    await rm(state, { recursive: true, force: true });
  }
});
