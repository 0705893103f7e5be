import type { MatchEndReason, MatchEntry, MatchResult, MatchSnapshot } from "../protocol/index.ts";
import type { GameStore, MatchRow, Seat } from "./gameStore.ts";

/**
 * GameStore in memory, for engine tests and tools; gameStore.contract.ts holds it to the same
 * behaviour as the SQLite one. What it hands out and takes in is copied, as a database would.
 */
export class MemoryGameStore implements GameStore {
  readonly #seats = new Map<string, Seat>();
  readonly #matches = new Map<string, MatchRow>();
  #entries: { id: number; matchId: string; entry: MatchEntry }[] = [];
  /** The last entry id handed out: ids are never reused, as with SQLite's AUTOINCREMENT. */
  #lastEntryId = 0;
  readonly #snapshots = new Map<string, { snapshot: MatchSnapshot; lastEntryId: number }>();

  seats(): Seat[] {
    return [...this.#seats.values()].sort((a, b) => a.seat - b.seat).map((seat) => ({ ...seat }));
  }

  putSeat(seat: Seat): void {
    this.#seats.set(seat.playerId, { ...seat });
  }

  deleteSeat(playerId: string): void {
    this.#seats.delete(playerId);
  }

  startMatch(match: Pick<MatchRow, "id" | "seed" | "version" | "players" | "startedAt">): void {
    if (this.#matches.has(match.id)) throw new Error(`match ${match.id} exists`);
    this.#snapshots.clear();
    this.#matches.set(match.id, {
      ...copy(match), endedAt: null, finalTick: null, result: null, finalHash: null, reason: null, replayStoredAt: null,
    });
  }

  appendEntry(matchId: string, entry: MatchEntry): number {
    this.#lastEntryId += 1;
    this.#entries.push({ id: this.#lastEntryId, matchId, entry: copy(entry) });
    return this.#lastEntryId;
  }

  appendEntries(matchId: string, entries: readonly MatchEntry[]): number {
    let last = 0;
    for (const entry of entries) last = this.appendEntry(matchId, entry);
    return last;
  }

  endMatch(matchId: string, finalTick: number, result: MatchResult, finalHash: string, endedAt: number, reason: MatchEndReason): void {
    const match = this.#matches.get(matchId);
    if (match) Object.assign(match, { endedAt, finalTick, result: copy(result), finalHash, reason });
  }

  entryCount(matchId: string): number {
    return this.#entries.filter((e) => e.matchId === matchId).length;
  }

  pruneEntries(matchId: string, replayStoredAt: number): void {
    const match = this.#matches.get(matchId);
    if (!match || match.endedAt === null) return;
    match.replayStoredAt = replayStoredAt;
    this.#entries = this.#entries.filter((e) => e.matchId !== matchId);
  }

  latestMatch(): MatchRow | null {
    return this.matches().at(-1) ?? null;
  }

  currentMatch(): MatchRow | null {
    return this.matches().filter((m) => m.endedAt === null).at(-1) ?? null;
  }

  match(matchId: string): MatchRow | null {
    const match = this.#matches.get(matchId);
    return match ? copy(match) : null;
  }

  matches(): MatchRow[] {
    return [...this.#matches.values()].sort((a, b) => a.startedAt - b.startedAt).map(copy);
  }

  saveSnapshot(matchId: string, snapshot: MatchSnapshot, lastEntryId: number): void {
    this.#snapshots.set(matchId, { snapshot: copy(snapshot), lastEntryId });
  }

  loadSnapshot(matchId: string): { snapshot: MatchSnapshot; lastEntryId: number } | null {
    const saved = this.#snapshots.get(matchId);
    return saved ? copy(saved) : null;
  }

  entries(matchId: string, afterId = 0): { id: number; entry: MatchEntry }[] {
    return this.#entries.filter((e) => e.matchId === matchId && e.id > afterId).map((e) => ({ id: e.id, entry: copy(e.entry) }));
  }
}

/** A deep copy through JSON, the form the SQLite store keeps these values in (so `undefined` goes as it does there). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
