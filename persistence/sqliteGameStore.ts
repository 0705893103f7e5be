import { z } from "zod";
import { MatchEndReason, MatchResultSchema, type MatchEntry, type MatchResult, type MatchSnapshot } from "../protocol/index.ts";
import type { GameStore, MatchRow, Seat } from "./gameStore.ts";
import { addColumn, migrate } from "./migrate.ts";
import type { SqlExec } from "./sql.ts";

export const GAME_STORE_MIGRATIONS = [
  [
    `CREATE TABLE IF NOT EXISTS game_seat (
      player_id TEXT PRIMARY KEY, seat INTEGER NOT NULL, name TEXT,
      resume_token TEXT NOT NULL, dropped_at INTEGER)`,
    `CREATE TABLE IF NOT EXISTS game_match (
      id TEXT PRIMARY KEY, seed INTEGER NOT NULL, version TEXT NOT NULL, players TEXT NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER, final_tick INTEGER, result TEXT)`,
    // Rooms created before these columns existed get them now.
    addColumn("game_match", "final_hash", "TEXT"),
    addColumn("game_match", "end_reason", "TEXT"),
    addColumn("game_match", "replay_stored_at", "INTEGER"),
    `CREATE TABLE IF NOT EXISTS game_match_entry (
      id INTEGER PRIMARY KEY AUTOINCREMENT, match_id TEXT NOT NULL, tick INTEGER NOT NULL, entry TEXT NOT NULL)`,
    "CREATE INDEX IF NOT EXISTS game_match_entry_by_match ON game_match_entry (match_id, id)",
    `CREATE TABLE IF NOT EXISTS game_snapshot (
      match_id TEXT PRIMARY KEY, tick INTEGER NOT NULL, rng_state INTEGER NOT NULL,
      state TEXT NOT NULL, last_entry_id INTEGER NOT NULL)`,
  ],
] as const;

const EntrySchema = z.discriminatedUnion("kind", [
  z.object({ tick: z.number(), kind: z.literal("join"), playerId: z.string() }),
  z.object({ tick: z.number(), kind: z.literal("leave"), playerId: z.string() }),
  z.object({ tick: z.number(), kind: z.literal("input"), playerId: z.string(), seq: z.number(), input: z.unknown() }),
]);

function parseJson<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`corrupt row in game storage: ${parsed.error.message}`);
  return parsed.data;
}

type MatchSqlRow = {
  id: string; seed: number; version: string; players: string; started_at: number;
  ended_at: number | null; final_tick: number | null; result: string | null; final_hash: string | null;
  end_reason: string | null; replay_stored_at: number | null;
};

/** GameStore in a room's SQLite (DO SQLite, or node:sqlite through nodeSqlite). */
export class SqliteGameStore implements GameStore {
  constructor(private readonly sql: SqlExec) {
    migrate(sql, "game_store", GAME_STORE_MIGRATIONS);
  }

  seats(): Seat[] {
    return this.sql
      .exec<{ player_id: string; seat: number; name: string | null; resume_token: string; dropped_at: number | null }>(
        "SELECT * FROM game_seat ORDER BY seat",
      )
      .toArray()
      .map((r) => ({ playerId: r.player_id, seat: r.seat, name: r.name, resumeToken: r.resume_token, droppedAt: r.dropped_at }));
  }

  putSeat(seat: Seat): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO game_seat (player_id, seat, name, resume_token, dropped_at) VALUES (?, ?, ?, ?, ?)",
      seat.playerId, seat.seat, seat.name, seat.resumeToken, seat.droppedAt,
    );
  }

  deleteSeat(playerId: string): void {
    this.sql.exec("DELETE FROM game_seat WHERE player_id = ?", playerId);
  }

  /** Records a new match. The room keeps one snapshot, its latest match's: older ones go. */
  startMatch(match: Pick<MatchRow, "id" | "seed" | "version" | "players" | "startedAt">): void {
    this.sql.exec("DELETE FROM game_snapshot");
    this.sql.exec(
      "INSERT INTO game_match (id, seed, version, players, started_at) VALUES (?, ?, ?, ?, ?)",
      match.id, match.seed, match.version, JSON.stringify(match.players), match.startedAt,
    );
  }

  /** Appends an entry; returns its id, so a snapshot can say how far it reaches. */
  appendEntry(matchId: string, entry: MatchEntry): number {
    return this.sql
      .exec<{ id: number }>(
        "INSERT INTO game_match_entry (match_id, tick, entry) VALUES (?, ?, ?) RETURNING id",
        matchId, entry.tick, JSON.stringify(entry),
      )
      .one().id;
  }

  /**
   * One INSERT for all of them, whatever their number: the entries go in as one bound JSON array of
   * [tick, entry text] pairs (a statement's bound parameters are capped, 100 in a Durable Object),
   * inserted in the array's order, so their ids rise in it as single appends' would. The text stored
   * is JSON.stringify(entry), as appendEntry stores it.
   */
  appendEntries(matchId: string, entries: readonly MatchEntry[]): number {
    if (entries.length === 0) return 0;
    if (entries.length === 1) return this.appendEntry(matchId, entries[0]!);
    const rows = JSON.stringify(entries.map((entry) => [entry.tick, JSON.stringify(entry)]));
    this.sql.exec(
      `INSERT INTO game_match_entry (match_id, tick, entry)
        SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) ORDER BY key`,
      matchId, rows,
    );
    // The last of them has the largest id (AUTOINCREMENT ids only rise): one row read back, not a
    // RETURNING row per entry (100 players: 2,000 rows a second turned into objects to find one number).
    return this.sql.exec<{ id: number }>("SELECT max(id) AS id FROM game_match_entry").one().id;
  }

  /** Records the end. The caller snapshots the final state: the pause after a match shows it without the entries. */
  endMatch(matchId: string, finalTick: number, result: MatchResult, finalHash: string, endedAt: number, reason: MatchEndReason): void {
    this.sql.exec(
      "UPDATE game_match SET ended_at = ?, final_tick = ?, result = ?, final_hash = ?, end_reason = ? WHERE id = ?",
      endedAt, finalTick, JSON.stringify(result), finalHash, reason, matchId,
    );
  }

  /** How many entries a match has logged. */
  entryCount(matchId: string): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM game_match_entry WHERE match_id = ?", matchId).one().n;
  }

  /**
   * Drops an ended match's entries once R2 has confirmed its replay, and says so on the match,
   * so a replay is never built again from the emptied record.
   */
  pruneEntries(matchId: string, replayStoredAt: number): void {
    this.sql.exec("UPDATE game_match SET replay_stored_at = ? WHERE id = ? AND ended_at IS NOT NULL", replayStoredAt, matchId);
    this.sql.exec(
      "DELETE FROM game_match_entry WHERE match_id = ? AND EXISTS (SELECT 1 FROM game_match WHERE id = ? AND ended_at IS NOT NULL)",
      matchId, matchId,
    );
  }

  /** The latest match, running or ended, if any. */
  latestMatch(): MatchRow | null {
    const row = this.sql.exec<MatchSqlRow>("SELECT * FROM game_match ORDER BY started_at DESC LIMIT 1").toArray()[0];
    return row ? toMatch(row) : null;
  }

  /** The match still running, if any. */
  currentMatch(): MatchRow | null {
    const row = this.sql.exec<MatchSqlRow>("SELECT * FROM game_match WHERE ended_at IS NULL ORDER BY started_at DESC LIMIT 1").toArray()[0];
    return row ? toMatch(row) : null;
  }

  match(matchId: string): MatchRow | null {
    const row = this.sql.exec<MatchSqlRow>("SELECT * FROM game_match WHERE id = ?", matchId).toArray()[0];
    return row ? toMatch(row) : null;
  }

  matches(): MatchRow[] {
    return this.sql.exec<MatchSqlRow>("SELECT * FROM game_match ORDER BY started_at").toArray().map(toMatch);
  }

  saveSnapshot(matchId: string, snapshot: MatchSnapshot, lastEntryId: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO game_snapshot (match_id, tick, rng_state, state, last_entry_id) VALUES (?, ?, ?, ?, ?)",
      matchId, snapshot.tick, snapshot.rngState, JSON.stringify(snapshot.state), lastEntryId,
    );
  }

  loadSnapshot(matchId: string): { snapshot: MatchSnapshot; lastEntryId: number } | null {
    const row = this.sql
      .exec<{ tick: number; rng_state: number; state: string; last_entry_id: number }>(
        "SELECT tick, rng_state, state, last_entry_id FROM game_snapshot WHERE match_id = ?", matchId,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      snapshot: { tick: row.tick, rngState: row.rng_state, state: parseJson(z.unknown(), row.state) },
      lastEntryId: row.last_entry_id,
    };
  }

  /** Entries of a match with an id above `afterId`, in order, with their ids. */
  entries(matchId: string, afterId = 0): { id: number; entry: MatchEntry }[] {
    return this.sql
      .exec<{ id: number; entry: string }>(
        "SELECT id, entry FROM game_match_entry WHERE match_id = ? AND id > ? ORDER BY id", matchId, afterId,
      )
      .toArray()
      .map((r) => ({ id: r.id, entry: parseJson(EntrySchema, r.entry)! }));
  }
}

function toMatch(row: MatchSqlRow): MatchRow {
  return {
    id: row.id,
    seed: row.seed,
    version: row.version,
    players: parseJson(z.array(z.string()), row.players) ?? [],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    finalTick: row.final_tick,
    result: parseJson(MatchResultSchema, row.result),
    finalHash: row.final_hash,
    reason: row.end_reason === null ? null : parseReason(row.end_reason),
    replayStoredAt: row.replay_stored_at,
  };
}

function parseReason(text: string): MatchEndReason {
  const parsed = MatchEndReason.safeParse(text);
  if (!parsed.success) throw new Error(`corrupt row in game storage: end reason "${text.slice(0, 40)}"`);
  return parsed.data;
}
