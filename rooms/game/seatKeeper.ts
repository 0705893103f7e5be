import type { Seat } from "../../persistence/gameStore.ts";
import { CloseCode, GameLimits } from "../../protocol/index.ts";
import type { RoomSocket } from "../engine/ports.ts";
import type { GameConnectionState } from "./connectionState.ts";
import type { GameRoomCore, GameServices } from "./gameCore.ts";
import type { MatchRunner } from "./matchRunner.ts";
import type { SeatBook } from "./seatBook.ts";

/** WebSocket's normal closure: what a client sends when it closes on purpose. */
const NORMAL_CLOSURE = 1000;

/**
 * Seats as the match sees them: a claimed seat brings its player into the match (starting one in
 * an empty room), an expired one takes them out, and every change is reported to the matchmaker,
 * a seat that becomes held for a dropped player, or is taken back, included: the matchmaker sends
 * no quick join to a room whose every seat is held for players who are gone.
 */
export class SeatKeeper {
  constructor(
    private readonly parts: { seats: SeatBook; match: MatchRunner; core: GameRoomCore; services: GameServices; maxPlayers: number },
  ) {}

  /**
   * Gives the player their held seat back, or a free one, and brings them into the match. `older`
   * is the player's other ready socket, if any: replaced (4409) when the claim succeeds.
   */
  claim(state: GameConnectionState, resume: string | undefined, older: RoomSocket | undefined, now: number): Seat | "full" | "taken" | "locked" {
    const { seats, match, core } = this.parts;
    this.expire(now);
    const claim = seats.claim(state, resume, older !== undefined, core.isLocked);
    if (claim.outcome !== "held" && claim.outcome !== "new") return claim.outcome;
    if (older) core.closeSocket(older, CloseCode.REPLACED, "this seat was taken by a newer connection");
    if (claim.outcome === "new") {
      if (match.engine === null) match.start([state.sub], now);
      else match.join(state.sub);
      match.wake(now);
      this.#report();
    } else if (claim.wasDropped) {
      this.#report();
    }
    return claim.seat;
  }

  /**
   * A player's connection closed with `code`; `isLast`: they have no other ready connection here.
   * Returns when a seat hold this starts ends, or null when it starts none.
   */
  closed(player: { sub: string; isReady: boolean }, isLast: boolean, code: number | undefined, now: number): number | null {
    if (!player.isReady) {
      this.#leftUnseated(player.sub);
      return null;
    }
    return isLast ? this.#disconnected(player.sub, code, now) : null;
  }

  /**
   * The player's last connection closed with `code`. A client that left on purpose (1000, the SDK's
   * destroy) gives the seat back now, and the player leaves the match as when a hold expires, so the
   * matchmaker can seat the next player there. Any other close (1001 from a closing tab, 1006, none)
   * holds the seat for a reconnect. Returns when the hold ends, or null when the seat was given back.
   */
  #disconnected(playerId: string, code: number | undefined, now: number): number | null {
    if (code !== NORMAL_CLOSURE) {
      if (this.parts.seats.drop(playerId, now)) this.#report();
      return now + GameLimits.SEAT_HOLD_MS;
    }
    if (this.parts.seats.release(playerId)) {
      this.parts.match.leave(playerId);
      this.#report();
    }
    return null;
  }

  /**
   * A player's connection closed before it was seated (a quick join abandoned before its welcome, a
   * refused hello, a handshake that timed out). Reported so a reservation they hold for this room ends
   * now: left to expire, it would count as a player on the way for RESERVATION_MS and pair the room's
   * next quick join with nobody. A player who holds a seat here keeps it.
   */
  #leftUnseated(playerId: string): void {
    if (this.parts.seats.all().some((seat) => seat.playerId === playerId)) return;
    this.#report([playerId]);
  }

  /** The alarm's expiry: the seats as the store has them, then expire. */
  expireByAlarm(now: number): void {
    this.parts.seats.refresh();
    this.expire(now);
  }

  /** Gives back seats held past SEAT_HOLD_MS; their players leave the match. */
  expire(now: number): void {
    const expired = this.parts.seats.expire(now);
    for (const playerId of expired) this.parts.match.leave(playerId);
    if (expired.length > 0) this.#report();
  }

  #report(gone: readonly string[] = []): void {
    const { seats, maxPlayers } = this.parts;
    const region = this.parts.core.meta.get("location_hint") ?? "any";
    this.parts.services.reportSeats({ region, seated: seats.all().map((seat) => seat.playerId), maxPlayers, held: seats.heldCount(), gone });
  }
}
