import { DirectoryEntry, RoomStats, type DirectoryReport } from "../protocol/index.ts";

export interface DirectoryQuery {
  kind?: "doc" | "game";
  game?: string;
  /** Only rooms with connections (true) or without (false). */
  isActive?: boolean;
  region?: string;
  limit: number;
  /** Continue after this room, from a previous page. */
  after?: { lastActiveAt: number; room: string };
}

/**
 * The room directory in D1. D1 rather than a sharded directory Durable Object: a listing
 * with filters and pages is one indexed SQL query across every room, where shards would need
 * a fan-out per page; and rooms report at most once every few seconds through their outboxes,
 * a write rate D1 takes easily.
 */
export class D1RoomDirectory {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** Removes a room's row unless it was reported after `reportedAt`; returns the rows removed (0 or 1). */
  async remove(room: string, reportedAt: number): Promise<number> {
    const result = await this.#db.prepare("DELETE FROM room_directory WHERE room = ? AND reported_at <= ?").bind(room, reportedAt).run();
    return result.meta.changes;
  }

  /** Applies a report unless a newer one for the room was already applied (reports are idempotent). */
  async apply(report: DirectoryReport): Promise<void> {
    if (report.type === "deleted") {
      await this.remove(report.room, report.reportedAt);
      return;
    }
    const e = report.entry;
    await this.#db
      .prepare(
        `INSERT INTO room_directory (room, kind, game, room_id, connections, location_hint, created_at, last_active_at, storage_bytes, is_locked, stats, reported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (room) DO UPDATE SET connections = excluded.connections, location_hint = excluded.location_hint,
           last_active_at = excluded.last_active_at, storage_bytes = excluded.storage_bytes, is_locked = excluded.is_locked,
           stats = excluded.stats, reported_at = excluded.reported_at
         WHERE excluded.reported_at >= room_directory.reported_at`,
      )
      .bind(e.room, e.kind, e.game, e.roomId, e.connections, e.locationHint, e.createdAt, e.lastActiveAt, e.storageBytes, e.isLocked ? 1 : 0, JSON.stringify(e.stats), report.reportedAt)
      .run();
  }

  async list(query: DirectoryQuery): Promise<DirectoryEntry[]> {
    const where: string[] = [];
    const values: (string | number)[] = [];
    if (query.kind) (where.push("kind = ?"), values.push(query.kind));
    if (query.game) (where.push("game = ?"), values.push(query.game));
    if (query.isActive !== undefined) where.push(query.isActive ? "connections > 0" : "connections = 0");
    if (query.region) (where.push("location_hint = ?"), values.push(query.region));
    if (query.after) {
      where.push("(last_active_at < ? OR (last_active_at = ? AND room > ?))");
      values.push(query.after.lastActiveAt, query.after.lastActiveAt, query.after.room);
    }
    const sql = `SELECT * FROM room_directory ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY last_active_at DESC, room LIMIT ?`;
    const rows = await this.#db.prepare(sql).bind(...values, query.limit).all<Row>();
    return rows.results.map(toEntry);
  }

  async get(room: string): Promise<DirectoryEntry | null> {
    const row = await this.#db.prepare("SELECT * FROM room_directory WHERE room = ?").bind(room).first<Row>();
    return row ? toEntry(row) : null;
  }

  /** The `limit` most recently active entries, for metrics (they matter most when not all fit). */
  async recent(limit: number): Promise<DirectoryEntry[]> {
    return (await this.#db.prepare("SELECT * FROM room_directory ORDER BY last_active_at DESC, room LIMIT ?").bind(limit).all<Row>()).results.map(toEntry);
  }

  /** How many rooms the directory holds. */
  async count(): Promise<number> {
    return (await this.#db.prepare("SELECT count(*) AS n FROM room_directory").first<{ n: number }>())?.n ?? 0;
  }
}

type Row = {
  room: string; kind: string; game: string | null; room_id: string; connections: number; location_hint: string | null;
  created_at: number; last_active_at: number; storage_bytes: number; is_locked: number; stats: string;
};

function toEntry(row: Row): DirectoryEntry {
  return DirectoryEntry.parse({
    room: row.room,
    kind: row.kind,
    game: row.game,
    roomId: row.room_id,
    connections: row.connections,
    locationHint: row.location_hint,
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    storageBytes: row.storage_bytes,
    isLocked: row.is_locked === 1,
    stats: RoomStats.parse(JSON.parse(row.stats)),
  });
}
