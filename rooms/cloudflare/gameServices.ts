import { D1LeaderboardStore, R2ReplayArchive, bumpBoardGeneration } from "../../persistence/index.ts";
import type { GameServices } from "../game/gameCore.ts";
import { SeatReporter, reportSeats } from "../game/seatReports.ts";

/** A game room's services in Cloudflare, all from `env`: D1 leaderboards, R2 replays, the edge cache, the Matchmaker DO. */
export function cloudflareGameServices(env: Env, gameName: string, roomId: string): GameServices {
  const seatReports = new SeatReporter((report, arrived) => reportSeats(env, gameName, roomId, report, arrived));
  return {
    leaderboards: new D1LeaderboardStore(env.DB),
    replays: new R2ReplayArchive(env.ARCHIVE),
    boardChanged: bumpBoardGeneration,
    reportSeats: (report) => seatReports.report(report),
  };
}
