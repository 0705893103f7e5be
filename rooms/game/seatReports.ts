import { gameRoomObjectName } from "../../protocol/index.ts";
import { logEvent } from "../log.ts";

/** The matchmaker that keeps seat counts for one game in one region. */
export function matchmakerFor(env: Env, gameName: string, region: string) {
  return env.Matchmaker.getByName(`${gameName}:${region}`);
}

/**
 * Tells the matchmaker which players (subs) hold a room's seats. Fire-and-forget: the matchmaker
 * also holds reservations, so a lost report delays a correction but never overfills a room.
 */
export function reportSeats(env: Env, gameName: string, region: string, roomId: string, seated: readonly string[], max: number): void {
  matchmakerFor(env, gameName, region)
    .report(roomId, seated.length, max, seated)
    .catch((error: unknown) => logEvent("seat_report_failed", { room: gameRoomObjectName(gameName, roomId), error }));
}
