import { gameRoomObjectName } from "../../protocol/index.ts";
import { logEvent } from "../log.ts";
import type { SeatReport } from "./gameCore.ts";

/** The matchmaker that keeps seat counts for one game in one region. */
export function matchmakerFor(env: Env, gameName: string, region: string) {
  return env.Matchmaker.getByName(`${gameName}:${region}`);
}

/**
 * Tells the matchmaker how many seats of a room are taken and how many of those are held for a
 * dropped player, and which players (subs) have sat, or come and left without a seat, since the last
 * report (`arrived`): their reservations are used up. Fire-and-forget: the matchmaker also holds
 * reservations, so a lost report delays a correction but never overfills a room.
 */
export function reportSeats(env: Env, gameName: string, roomId: string, report: SeatReport, arrived: readonly string[]): void {
  matchmakerFor(env, gameName, report.region)
    .report(roomId, report.seated.length, report.maxPlayers, arrived, report.held)
    .catch((error: unknown) => logEvent("seat_report_failed", { room: gameRoomObjectName(gameName, roomId), error }));
}

/**
 * At most one seat report per room per this many ms, in ms. A room filling in a join storm reported
 * every join, each carrying every seated player (100 joins: 100 reports, ~5,000 subs to match
 * against reservations); then every 50 ms, which was still a write, and a commit, on the one
 * matchmaker every quick join of the game waits on, 20 times a second per room. Reporting less often
 * cannot overfill a room or hide a free seat for long:
 * - a seat taken through a quick join is already counted by that player's reservation (until it
 *   expires, RESERVATION_MS, far longer than this), so the report only moves it from one to the other;
 * - a seat given back (a leave) shows as taken until the next report: the count overstates, which
 *   sends a quick join elsewhere at worst;
 * - a seat taken without a reservation (a private code, a direct link) is counted up to this much
 *   later, and a quick join in that window can be sent to a room that has just filled: the room refuses
 *   a player past its seats itself (4409), as it did for any report still on its way at 50 ms.
 */
export const SEAT_REPORT_INTERVAL_MS = 1_000;

/** Players gone unseated that one report names at most (see SeatReporter). */
export const MAX_GONE_PER_REPORT = 256;

/**
 * One room's seat reports, throttled: the first goes at once (a lone player is counted without
 * delay), later ones within SEAT_REPORT_INTERVAL_MS wait and only the newest is sent. Each sent
 * report also names every player seen seated since the one before (`arrived`), so a player who sat
 * and left between two reports still uses up their reservation: otherwise it would count as a seat
 * on its way for RESERVATION_MS, and send the room's next quick join elsewhere. It names those who came
 * and left without a seat (`gone`: a quick join abandoned before its welcome) too, up to
 * MAX_GONE_PER_REPORT; past it, their reservations expire on their own.
 *
 * One report skips the wait: the one that leaves every seat held for a dropped player (a lone player
 * waiting for an opponent closed the tab), so the matchmaker stops sending quick joins there now, not up
 * to a second later. It goes once per such change: a room is unattended again only after a report that
 * it was attended went through the wait, so this adds at most one report per interval.
 */
export class SeatReporter {
  #latest: SeatReport | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Players seen seated since the last report sent, and those gone unseated: at most those who came within one interval. */
  #arrived = new Set<string>();
  /** How many of #arrived came from `gone`, bounded by MAX_GONE_PER_REPORT. */
  #goneCount = 0;
  /** Whether the last report sent said every seat was held (see isUnattended). */
  #sentUnattended = false;

  constructor(private readonly send: (report: SeatReport, arrived: readonly string[]) => void) {}

  report(report: SeatReport): void {
    for (const sub of report.seated) this.#arrived.add(sub);
    for (const sub of report.gone ?? []) {
      if (this.#goneCount >= MAX_GONE_PER_REPORT) break;
      this.#goneCount += 1;
      this.#arrived.add(sub);
    }
    const unattended = isUnattended(report);
    const isUrgent = unattended && !this.#sentUnattended;
    if (this.#timer !== null && !isUrgent) {
      this.#latest = report;
      return;
    }
    this.#latest = null;
    const arrived = [...this.#arrived];
    this.#arrived.clear();
    this.#goneCount = 0;
    this.#sentUnattended = unattended;
    this.send(report, arrived);
    this.#timer ??= setTimeout(() => this.#flush(), SEAT_REPORT_INTERVAL_MS);
  }

  #flush(): void {
    this.#timer = null;
    const latest = this.#latest;
    this.#latest = null;
    if (latest) this.report(latest);
  }
}

/** Every taken seat is held for a player whose connection dropped: nobody is in the room. */
const isUnattended = (report: SeatReport): boolean => report.seated.length > 0 && report.held >= report.seated.length;
