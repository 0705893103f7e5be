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

/**
 * At most one seat report per room per this many ms, in ms (one 20 Hz tick): a room filling in a
 * join storm reported every join, each carrying every seated player, so 100 joins sent the
 * matchmaker 100 reports and ~5,000 subs to match against reservations. A delayed report cannot
 * overfill a room: until it arrives the joining player's reservation still counts their seat (the
 * matchmaker's count only overstates), and the room itself refuses a player past its seats.
 */
export const SEAT_REPORT_INTERVAL_MS = 50;

/**
 * One room's seat reports, throttled: the first goes at once (a lone player is counted without
 * delay), later ones within SEAT_REPORT_INTERVAL_MS wait and only the newest is sent.
 */
export class SeatReporter {
  #latest: { region: string; seated: readonly string[]; max: number } | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (region: string, seated: readonly string[], max: number) => void) {}

  report(region: string, seated: readonly string[], max: number): void {
    if (this.#timer !== null) {
      this.#latest = { region, seated, max };
      return;
    }
    this.send(region, seated, max);
    this.#timer = setTimeout(() => this.#flush(), SEAT_REPORT_INTERVAL_MS);
  }

  #flush(): void {
    this.#timer = null;
    const latest = this.#latest;
    this.#latest = null;
    if (latest) this.report(latest.region, latest.seated, latest.max);
  }
}
