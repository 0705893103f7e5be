import type { MatchEndReason, MatchEntry, MatchResult, MatchSnapshot } from "../protocol/index.ts";

export interface Seat {
  playerId: string;
  seat: number;
  name: string | null;
  resumeToken: string;
  /** Epoch ms when the player's connection dropped; null while connected. */
  droppedAt: number | null;
}

export interface MatchRow {
  id: string;
  seed: number;
  version: string;
  players: string[];
  startedAt: number;
  endedAt: number | null;
  finalTick: number | null;
  result: MatchResult | null;
  /** hashState of the final state, which a replay must reach. */
  finalHash: string | null;
  /** What ended the match; null while it runs (and for matches ended before reasons were kept). */
  reason: MatchEndReason | null;
  /** Epoch ms when R2 confirmed the match's replay; from then on its entries are there, not here. */
  replayStoredAt: number | null;
}

/**
 * A game room's durable state: seats (so a dropped player keeps theirs through hibernation and
 * eviction) and the match record (seed, version, every applied entry with its tick, the result),
 * written as the match runs. Synchronous, like DocStore: a write is made in the turn that caused it.
 * SqliteGameStore keeps it in a room's SQLite, MemoryGameStore in memory; gameStore.contract.ts holds both to it.
 */
export interface GameStore {
  /** Every seat, by seat number. */
  seats(): Seat[];
  /** Adds or replaces the player's seat. */
  putSeat(seat: Seat): void;
  deleteSeat(playerId: string): void;
  /** Records a new match. The room keeps one snapshot, its latest match's: older ones go. */
  startMatch(match: Pick<MatchRow, "id" | "seed" | "version" | "players" | "startedAt">): void;
  /** Appends an entry; returns its id (above every id before, in any match), so a snapshot can say how far it reaches. */
  appendEntry(matchId: string, entry: MatchEntry): number;
  /**
   * Appends entries in their order, as one statement (a tick's inputs: one write per tick, not per
   * input); returns the last one's id, or 0 for none. Ids and order are as if each were appended in turn.
   */
  appendEntries(matchId: string, entries: readonly MatchEntry[]): number;
  /** Records the end. The caller snapshots the final state: the pause after a match shows it without the entries. */
  endMatch(matchId: string, finalTick: number, result: MatchResult, finalHash: string, endedAt: number, reason: MatchEndReason): void;
  /** How many entries a match has logged. */
  entryCount(matchId: string): number;
  /**
   * Drops an ended match's entries once R2 has confirmed its replay, and says so on the match,
   * so a replay is never built again from the emptied record. A running match is left as it is.
   */
  pruneEntries(matchId: string, replayStoredAt: number): void;
  /** The latest match (by start), running or ended, if any. */
  latestMatch(): MatchRow | null;
  /** The match still running, if any. */
  currentMatch(): MatchRow | null;
  match(matchId: string): MatchRow | null;
  /** Every match, by start. */
  matches(): MatchRow[];
  saveSnapshot(matchId: string, snapshot: MatchSnapshot, lastEntryId: number): void;
  loadSnapshot(matchId: string): { snapshot: MatchSnapshot; lastEntryId: number } | null;
  /** Entries of a match with an id above `afterId`, in order, with their ids. */
  entries(matchId: string, afterId?: number): { id: number; entry: MatchEntry }[];
}
