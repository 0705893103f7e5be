import type { LeaderboardRow } from "../protocol/index.ts";
import type { LeaderboardStore, LeaderboardWrite, PageQuery } from "./leaderboardStore.ts";

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
/** Rank order per board order: `better`/`worse` compare a row's score with bound parameter ?3. */
const ORDER = {
  desc: { by: "score DESC, player_id ASC", reverse: "score ASC, player_id DESC", better: "score > ?3", worse: "score < ?3" },
  asc: { by: "score ASC, player_id ASC", reverse: "score DESC, player_id DESC", better: "score < ?3", worse: "score > ?3" },
} as const;

type Row = { player_id: string; score: number; rank: number };

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

  async page(query: PageQuery): Promise<LeaderboardRow[]> {
    return this.#select(query, query.after && { ...query.after, isInclusive: false });
  }

  async around(query: Omit<PageQuery, "after"> & { playerId: string }): Promise<LeaderboardRow[]> {
    const me = await this.#db
      .prepare("SELECT score FROM leaderboard_entry WHERE board = ? AND period_key = ? AND player_id = ?")
      .bind(query.board, query.periodKey, query.playerId)
      .first<{ score: number }>();
    if (!me) return [];
    // The entries ranked just above the player, nearest first; the page starts at the farthest.
    const { better, reverse } = ORDER[query.order];
    const above = await this.#db
      .prepare(
        `SELECT player_id, score FROM leaderboard_entry
         WHERE board = ?1 AND period_key = ?2 AND (${better} OR (score = ?3 AND player_id < ?4)) ORDER BY ${reverse} LIMIT ?5`,
      )
      .bind(query.board, query.periodKey, me.score, query.playerId, Math.floor((query.limit - 1) / 2))
      .all<{ player_id: string; score: number }>();
    const first = above.results.at(-1);
    const start = first ? { score: first.score, playerId: first.player_id } : { score: me.score, playerId: query.playerId };
    return this.#select(query, { ...start, isInclusive: true });
  }

  /** Up to `limit` entries in rank order, from `start` on; each with its competition rank. */
  async #select(query: Omit<PageQuery, "after">, start?: { score: number; playerId: string; isInclusive: boolean }): Promise<LeaderboardRow[]> {
    const { by, better, worse } = ORDER[query.order];
    const from = start ? `AND (${worse} OR (score = ?3 AND player_id ${start.isInclusive ? ">=" : ">"} ?4))` : "";
    const rank = `(SELECT count(*) FROM leaderboard_entry b WHERE b.board = e.board AND b.period_key = e.period_key AND b.${better.replace("?3", "e.score")}) + 1`;
    const statement = this.#db
      .prepare(
        `SELECT e.player_id, e.score, ${rank} AS rank FROM leaderboard_entry e
         WHERE e.board = ?1 AND e.period_key = ?2 ${from.replaceAll("score", "e.score").replaceAll("player_id", "e.player_id")}
         ORDER BY ${by} LIMIT ?5`,
      )
      .bind(query.board, query.periodKey, start?.score ?? null, start?.playerId ?? null, query.limit);
    return toRows((await statement.all<Row>()).results);
  }
}

function toRows(rows: Row[]): LeaderboardRow[] {
  return rows.map((r) => ({ rank: r.rank, playerId: r.player_id, score: r.score }));
}
