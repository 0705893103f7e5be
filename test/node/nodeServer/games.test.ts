// Issue 16, items 4 and 5 (the Node half): a game on the Node adapter, through matchmaking to the
// match's end, with its leaderboard updated and its replay stored, all through the public routes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../../client-sdk/index.ts";
import type { tictactoe } from "../../../games/tictactoe.ts";
import { devToken, startNodeProcess, stopNodeProcess, type NodeProcess } from "./nodeProcess.ts";

const PORT = 8876;
const dataDir = mkdtempSync(join(tmpdir(), "edgeroom-node-games-"));
let server: NodeProcess;

beforeAll(async () => {
  server = await startNodeProcess(PORT, dataDir, "builtin");
}, 30_000);
afterAll(async () => {
  if (server) await stopNodeProcess(server);
  rmSync(dataDir, { recursive: true, force: true });
});

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const player = (sub: string) =>
  createClient({ baseUrl: server.url, getToken: () => devToken(server.url, sub, "game/tictactoe/*", "player"), reconnect: { minDelayMs: 50, maxDelayMs: 200 } });

describe("games on the Node adapter", () => {
  it("two players quick-match into one tic-tac-toe room, X wins, and the leaderboard and replays show it", async () => {
    const x = await player("node-x").joinOrCreate<typeof tictactoe>("tictactoe", { mode: "quick" });
    await x.whenStatus("joined");
    const o = await player("node-o").joinOrCreate<typeof tictactoe>("tictactoe", { mode: "quick" });
    try {
      await o.whenStatus("joined");
      expect(o.roomId).toBe(x.roomId);
      await eventually(() => x.view?.phase === "playing" && o.view?.phase === "playing", "both seated");
      // X moves first; the first to sit is X.
      const [first, second] = x.view?.seats.X === "node-x" ? [x, o] : [o, x];
      // The first mover takes the top row while the other plays the middle row.
      for (const [mover, cell] of [[first, 0], [second, 3], [first, 1], [second, 4], [first, 2]] as const) {
        const before = mover.view?.board.filter((c) => c !== "").length ?? 0;
        mover.send({ type: "place", cell });
        await eventually(() => (x.view?.board.filter((c) => c !== "").length ?? 0) > before || x.view?.phase !== "playing", `move ${cell}`);
      }
      const winner = first === x ? "node-x" : "node-o";
      await eventually(async () => {
        const page = (await (await fetch(`${server.url}/v1/leaderboards/tictactoe.wins`)).json()) as { entries: { playerId: string; score: number }[] };
        return page.entries.some((entry) => entry.playerId === winner && entry.score === 1);
      }, "the win on the leaderboard");
      // The replay is exported through the room's outbox too, perhaps a flush later.
      let replays: { matches: { matchId: string; winners: string[] }[] } = { matches: [] };
      await eventually(async () => {
        replays = (await (await fetch(`${server.url}/v1/replays/tictactoe/${x.roomId}`)).json()) as typeof replays;
        return replays.matches.length > 0;
      }, "the replay in the archive");
      expect(replays.matches.map((match) => match.winners)).toEqual([[winner]]);
      const record = await fetch(`${server.url}/v1/replays/tictactoe/${x.roomId}/${replays.matches[0]!.matchId}`);
      expect(record.status).toBe(200);
    } finally {
      x.destroy();
      o.destroy();
    }
  }, 60_000);
});
