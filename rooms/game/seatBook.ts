import type { Seat, GameStore } from "../../persistence/gameStore.ts";
import { GameLimits } from "../../protocol/index.ts";
import type { Randomness } from "../engine/ports.ts";
import { resumeToken } from "./randomTokens.ts";

export type SeatClaim =
  | { outcome: "held"; seat: Seat }
  | { outcome: "new"; seat: Seat }
  | { outcome: "full" | "taken" | "locked" };

/**
 * The room's seats, in DO SQLite so they outlive hibernation and eviction. A seat belongs
 * to its verified `sub`: a dropped seat comes back to its user. A seat still live on another
 * connection moves only with its resume token (a client reconnecting before the room noticed
 * its old socket die); without it the newcomer is refused.
 */
export class SeatBook {
  readonly #store: GameStore;
  readonly #maxPlayers: number;
  readonly #random: Randomness;

  constructor(store: GameStore, maxPlayers: number, random: Randomness) {
    this.#store = store;
    this.#maxPlayers = maxPlayers;
    this.#random = random;
  }

  claim(player: { sub: string; name?: string }, resume: string | undefined, isLiveElsewhere: boolean, isLocked: boolean): SeatClaim {
    const seats = this.#store.seats();
    const held = seats.find((s) => s.playerId === player.sub);
    if (held) {
      if (isLiveElsewhere && resume !== held.resumeToken) return { outcome: "taken" };
      const seat = { ...held, droppedAt: null, name: player.name ?? held.name };
      this.#store.putSeat(seat);
      return { outcome: "held", seat };
    }
    if (seats.length >= this.#maxPlayers) return { outcome: "full" };
    if (isLocked) return { outcome: "locked" };
    const taken = new Set(seats.map((s) => s.seat));
    let number = 0;
    while (taken.has(number)) number++;
    const seat: Seat = { playerId: player.sub, seat: number, name: player.name ?? null, resumeToken: resumeToken(this.#random), droppedAt: null };
    this.#store.putSeat(seat);
    return { outcome: "new", seat };
  }

  drop(playerId: string, now: number): void {
    const seat = this.#store.seats().find((s) => s.playerId === playerId);
    if (seat) this.#store.putSeat({ ...seat, droppedAt: now });
  }

  /** Gives back seats held past SEAT_HOLD_MS; returns their players. */
  expire(now: number): string[] {
    const expired = this.#store.seats().filter((s) => s.droppedAt !== null && now - s.droppedAt >= GameLimits.SEAT_HOLD_MS);
    for (const seat of expired) this.#store.deleteSeat(seat.playerId);
    return expired.map((s) => s.playerId);
  }

  /** When the next held seat expires, or null. */
  nextExpiry(): number | null {
    const expiries = this.#store.seats().flatMap((s) => (s.droppedAt === null ? [] : [s.droppedAt + GameLimits.SEAT_HOLD_MS]));
    return expiries.length > 0 ? Math.min(...expiries) : null;
  }

  all(): Seat[] {
    return this.#store.seats();
  }
}

