import type { Seat, GameStore } from "../../persistence/gameStore.ts";
import { GameLimits } from "../../protocol/index.ts";
import type { Randomness } from "../engine/ports.ts";
import { resumeToken } from "./randomTokens.ts";

export type SeatClaim =
  /** `wasDropped`: the seat was held for the player's dropped connection, not live on another. */
  | { outcome: "held"; seat: Seat; wasDropped: boolean }
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
  /**
   * The store's seats, read once and then written through: the store stays the record (a new
   * instance reads it again), and only this book writes seats. A join read every seat row three
   * or four times, which made a 500-player join storm's largest cost in its room.
   */
  #seats: Seat[] | null = null;

  constructor(store: GameStore, maxPlayers: number, random: Randomness) {
    this.#store = store;
    this.#maxPlayers = maxPlayers;
    this.#random = random;
  }

  claim(player: { sub: string; name?: string }, resume: string | undefined, isLiveElsewhere: boolean, isLocked: boolean): SeatClaim {
    const seats = this.all();
    const held = seats.find((s) => s.playerId === player.sub);
    if (held) {
      if (isLiveElsewhere && resume !== held.resumeToken) return { outcome: "taken" };
      const seat = { ...held, droppedAt: null, name: player.name ?? held.name };
      this.#put(seat);
      return { outcome: "held", seat, wasDropped: held.droppedAt !== null };
    }
    if (seats.length >= this.#maxPlayers) return { outcome: "full" };
    if (isLocked) return { outcome: "locked" };
    const taken = new Set(seats.map((s) => s.seat));
    let number = 0;
    while (taken.has(number)) number++;
    const seat: Seat = { playerId: player.sub, seat: number, name: player.name ?? null, resumeToken: resumeToken(this.#random), droppedAt: null };
    this.#put(seat);
    return { outcome: "new", seat };
  }

  /** Holds the player's seat for their reconnect from `now`; false if they had none. */
  drop(playerId: string, now: number): boolean {
    const seat = this.all().find((s) => s.playerId === playerId);
    if (seat) this.#put({ ...seat, droppedAt: now });
    return seat !== undefined;
  }

  /** Gives the player's seat back now; false if they had none. */
  release(playerId: string): boolean {
    if (!this.all().some((s) => s.playerId === playerId)) return false;
    this.#store.deleteSeat(playerId);
    this.#seats = this.all().filter((s) => s.playerId !== playerId);
    return true;
  }

  /** Gives back seats held past SEAT_HOLD_MS; returns their players. */
  expire(now: number): string[] {
    const expired = this.all().filter((s) => s.droppedAt !== null && now - s.droppedAt >= GameLimits.SEAT_HOLD_MS);
    for (const seat of expired) this.#store.deleteSeat(seat.playerId);
    if (expired.length > 0) this.#seats = this.all().filter((s) => !expired.includes(s));
    return expired.map((s) => s.playerId);
  }

  /** When the next held seat expires, or null. */
  nextExpiry(): number | null {
    const expiries = this.all().flatMap((s) => (s.droppedAt === null ? [] : [s.droppedAt + GameLimits.SEAT_HOLD_MS]));
    return expiries.length > 0 ? Math.min(...expiries) : null;
  }

  /** Reads the seats from the store again at their next use (the alarm does: it is rare, and the store is the record). */
  refresh(): void {
    this.#seats = null;
  }

  /** How many seats are held for a player whose connection dropped. */
  heldCount(): number {
    return this.all().filter((s) => s.droppedAt !== null).length;
  }

  /** Every seat, by seat number. Read-only: changes go through claim, drop, release and expire. */
  all(): readonly Seat[] {
    return (this.#seats ??= this.#store.seats());
  }

  /** Writes the seat to the store, then to the book: a write that throws leaves both as they were. */
  #put(seat: Seat): void {
    this.#store.putSeat(seat);
    const seats = this.all().filter((s) => s.playerId !== seat.playerId);
    seats.push(seat);
    this.#seats = seats.sort((a, b) => a.seat - b.seat);
  }
}

