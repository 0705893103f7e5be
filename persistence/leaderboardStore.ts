import type { BoardDefinition, LeaderboardRow } from "../protocol/index.ts";

/** One score to fold into a board, with the board's rules. */
export interface LeaderboardWrite {
  board: string;
  periodKey: string;
  playerId: string;
  score: number;
  operator: BoardDefinition["operator"];
  order: BoardDefinition["order"];
}

export interface PageQuery {
  board: string;
  periodKey: string;
  order: BoardDefinition["order"];
  limit: number;
  /** Continue after this entry (the last of the previous page), as its signed cursor carries it. */
  after?: PageStart;
}

/**
 * The last entry of a page, with its rank and 1-based position in rank order: the next page's
 * ranks continue from it, so no page counts the entries above it.
 */
export interface PageStart {
  score: number;
  playerId: string;
  rank: number;
  position: number;
}

/** Leaderboards behind a narrow interface: D1 in production, memory in tests. */
export interface LeaderboardStore {
  /** Applies the writes once per `key`: a second call with the same key changes nothing. */
  apply(key: string, writes: LeaderboardWrite[]): Promise<void>;
  /**
   * Entries in rank order (ties by player id), `limit` at most. Competition ranks (ties share the
   * best), continued from `after`'s rank and position: O(limit) rows whatever the depth.
   */
  page(query: PageQuery): Promise<LeaderboardRow[]>;
  /** The player's entry with up to `limit` neighbours, or [] if the player has none. One rank lookup. */
  around(query: Omit<PageQuery, "after"> & { playerId: string }): Promise<LeaderboardRow[]>;
}

/** How an operator combines the stored and the new score. */
export function combine(operator: LeaderboardWrite["operator"], order: LeaderboardWrite["order"], stored: number, next: number): number {
  if (operator === "incr") return stored + next;
  if (operator === "set") return next;
  return order === "desc" ? Math.max(stored, next) : Math.min(stored, next);
}

/**
 * Competition ranks for entries in rank order, given the first one's rank and position: an entry
 * that ties the one before shares its rank, any other is ranked at its position.
 */
export function rankRows(entries: { playerId: string; score: number }[], first: { rank: number; position: number }): LeaderboardRow[] {
  const rows: LeaderboardRow[] = [];
  entries.forEach((entry, i) => {
    const previous = rows[i - 1];
    const rank = !previous ? first.rank : entry.score === previous.score ? previous.rank : first.position + i;
    rows.push({ rank, playerId: entry.playerId, score: entry.score });
  });
  return rows;
}

/** Whether entry a ranks before entry b. */
export function ranksBefore(order: PageQuery["order"], a: { score: number; playerId: string }, b: { score: number; playerId: string }): boolean {
  if (a.score !== b.score) return order === "desc" ? a.score > b.score : a.score < b.score;
  return a.playerId < b.playerId;
}

export class MemoryLeaderboardStore implements LeaderboardStore {
  readonly #rows = new Map<string, { board: string; periodKey: string; playerId: string; score: number }>();
  readonly #applied = new Set<string>();

  async apply(key: string, writes: LeaderboardWrite[]): Promise<void> {
    if (this.#applied.has(key)) return;
    this.#applied.add(key);
    for (const w of writes) {
      const id = `${w.board}\u0000${w.periodKey}\u0000${w.playerId}`;
      const stored = this.#rows.get(id);
      this.#rows.set(id, { ...w, score: stored ? combine(w.operator, w.order, stored.score, w.score) : w.score });
    }
  }

  async page(query: PageQuery): Promise<LeaderboardRow[]> {
    const ranked = this.#ranked(query);
    const after = query.after;
    const start = after ? ranked.findIndex((r) => ranksBefore(query.order, after, r)) : 0;
    const entries = start < 0 ? [] : ranked.slice(start, start + query.limit);
    // As D1 does: ranks continue from the cursor's, not from a count of what is above.
    const first = entries[0];
    if (!after || !first) return entries;
    return rankRows(entries, { rank: first.score === after.score ? after.rank : after.position + 1, position: after.position + 1 });
  }

  async around(query: Omit<PageQuery, "after"> & { playerId: string }): Promise<LeaderboardRow[]> {
    const ranked = this.#ranked(query);
    const at = ranked.findIndex((r) => r.playerId === query.playerId);
    if (at < 0) return [];
    const start = Math.max(0, at - Math.floor((query.limit - 1) / 2));
    return ranked.slice(start, start + query.limit);
  }

  #ranked(query: { board: string; periodKey: string; order: PageQuery["order"] }): LeaderboardRow[] {
    const rows = [...this.#rows.values()]
      .filter((r) => r.board === query.board && r.periodKey === query.periodKey)
      .sort((a, b) => (ranksBefore(query.order, a, b) ? -1 : 1));
    return rows.map((r) => ({
      rank: 1 + rows.filter((o) => (query.order === "desc" ? o.score > r.score : o.score < r.score)).length,
      playerId: r.playerId,
      score: r.score,
    }));
  }
}
