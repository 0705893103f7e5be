import type { LeaderboardRow } from "../protocol/index.ts";
import { type LeaderboardStore, type LeaderboardWrite, type PageQuery, rankRows } from "./leaderboardStore.ts";

/**
 * Upserts per operator and order. SQL text comes only from this fixed table, never from
 * a message; every value is bound.
 */
const UPSERT: Record<`${LeaderboardWrite["operator"]}:${LeaderboardWrite["order"]}`, string> = {
  "best:desc": "score = max(score, excluded.score)",
  "best:asc": "score = min(score, excluded.score)",
  "incr:desc": "score = score + excluded.score",
  "incr:asc": "score = score + excluded.score",
  "set:desc": "score = excluded.score",
  "set:asc": "score = excluded.score",
};
/**
 * Rank order per board order: `better`/`worse` compare a row's score with bound parameter ?3.
 * Each `by` is the order of an index (0001's for asc, 0003's for desc), so a page walks the index
 * from its first entry and stops after `limit`: no sort, no count, whatever the depth.
 */
const ORDER = {
  desc: { by: "score DESC, player_id ASC", reverse: "score ASC, player_id DESC", better: "score > ?3", worse: "score < ?3" },
  asc: { by: "score ASC, player_id ASC", reverse: "score DESC, player_id DESC", better: "score < ?3", worse: "score > ?3" },
} as const;

type Entry = { player_id: string; score: number };

/** Leaderboards in D1, schema in persistence/migrations/. */
export class D1LeaderboardStore implements LeaderboardStore {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async apply(key: string, writes: LeaderboardWrite[]): Promise<void> {
    const now = Date.now();
    // One batch is one transaction: the idempotency key and the scores land together or not at all.
    const statements = [
      this.#db.prepare("INSERT INTO leaderboard_applied (key, applied_at) VALUES (?, ?)").bind(key, now),
      ...writes.map((w) =>
        this.#db
          .prepare(
            `INSERT INTO leaderboard_entry (board, period_key, player_id, score, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (board, period_key, player_id) DO UPDATE SET ${UPSERT[`${w.operator}:${w.order}`]}, updated_at = excluded.updated_at`,
          )
          .bind(w.board, w.periodKey, w.playerId, w.score, now),
      ),
    ];
    try {
      await this.#db.batch(statements);
    } catch (error) {
      // The key was applied before (the confirmation of an earlier attempt was lost): done.
      if (error instanceof Error && /UNIQUE constraint failed: leaderboard_applied\.key/.test(error.message)) return;
      throw error;
    }
  }

  /** Ranks come from the cursor (the entry before the page), so a page reads `limit` entries, at most twice. */
  async page(query: PageQuery): Promise<LeaderboardRow[]> {
    const entries = await this.#walk(query, query.after, "down", query.limit).all<Entry>();
    const after = query.after;
    const first = entries.results[0];
    const start = !after || !first ? { rank: 1, position: 1 } : { rank: first.score === after.score ? after.rank : after.position + 1, position: after.position + 1 };
    return rankRows(entries.results.map(toEntry), start);
  }

  async around(query: Omit<PageQuery, "after"> & { playerId: string }): Promise<LeaderboardRow[]> {
    const me = await this.#db
      .prepare("SELECT score FROM leaderboard_entry WHERE board = ? AND period_key = ? AND player_id = ?")
      .bind(query.board, query.periodKey, query.playerId)
      .first<{ score: number }>();
    if (!me) return [];
    // The entries ranked just above the player, nearest first; the page starts at the farthest.
    const { better } = ORDER[query.order];
    const above = await this.#walk(query, { score: me.score, playerId: query.playerId }, "up", Math.floor((query.limit - 1) / 2)).all<Entry>();
    const farthest = above.results.at(-1);
    const start = farthest ? { score: farthest.score, playerId: farthest.player_id } : { score: me.score, playerId: query.playerId };
    // The one rank lookup: how many entries rank before the page's first, and how many of those
    // have a better score. It counts index entries, O(rank); the route's rate limit bounds how often.
    const [entries, ahead] = await Promise.all([
      this.#walk(query, start, "down-inclusive", query.limit).all<Entry>(),
      this.#db
        .prepare(
          `SELECT (SELECT count(*) FROM leaderboard_entry WHERE board = ?1 AND period_key = ?2 AND ${better}) AS better,
                  (SELECT count(*) FROM leaderboard_entry WHERE board = ?1 AND period_key = ?2 AND score = ?3 AND player_id < ?4) AS ties`,
        )
        .bind(query.board, query.periodKey, start.score, start.playerId)
        .first<{ better: number; ties: number }>(),
    ]);
    const counts = ahead ?? { better: 0, ties: 0 };
    return rankRows(entries.results.map(toEntry), { rank: counts.better + 1, position: counts.better + counts.ties + 1 });
  }

  /**
   * Up to `limit` entries next to `from` in rank order: the ones ranked after it ("down", and
   * "down-inclusive" with it), or before it ("up", nearest first); with no `from`, the top.
   * Two index ranges, each at most `limit` long: the rest of `from`'s tie, then the other scores.
   * One `OR` over both would make SQLite walk the whole tie up to `from` (on a board where most
   * players score 0, nearly all of it).
   */
  #walk(query: Omit<PageQuery, "after">, from: { score: number; playerId: string } | undefined, direction: "down" | "down-inclusive" | "up", limit: number): D1PreparedStatement {
    const { by, reverse, better, worse } = ORDER[query.order];
    if (!from) {
      return this.#db
        .prepare(`SELECT player_id, score FROM leaderboard_entry WHERE board = ?1 AND period_key = ?2 ORDER BY ${by} LIMIT ?3`)
        .bind(query.board, query.periodKey, limit);
    }
    const [tie, others, order] =
      direction === "up"
        ? ["player_id < ?4 ORDER BY player_id DESC", better, reverse]
        : [`player_id ${direction === "down" ? ">" : ">="} ?4 ORDER BY player_id`, worse, by];
    return this.#db
      .prepare(
        `SELECT player_id, score FROM (
           SELECT * FROM (SELECT player_id, score FROM leaderboard_entry WHERE board = ?1 AND period_key = ?2 AND score = ?3 AND ${tie} LIMIT ?5)
           UNION ALL
           SELECT * FROM (SELECT player_id, score FROM leaderboard_entry WHERE board = ?1 AND period_key = ?2 AND ${others} ORDER BY ${order} LIMIT ?5)
         ) ORDER BY ${order} LIMIT ?5`,
      )
      .bind(query.board, query.periodKey, from.score, from.playerId, limit);
  }
}

const toEntry = (r: Entry) => ({ playerId: r.player_id, score: r.score });
