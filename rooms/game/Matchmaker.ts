import { DurableObject } from "cloudflare:workers";

/** A quick-join reservation holds a seat this long, in ms, until the room's own report takes over. */
export const RESERVATION_MS = 15_000;
/** Rooms one listing returns at most. */
export const MAX_OPEN_ROOMS_LISTED = 50;

export interface OpenRoom {
  roomId: string;
  taken: number;
  maxPlayers: number;
}

/**
 * Seat counts for one game in one region (object name `{gameName}:{region}`). A Durable
 * Object runs one call at a time and DO SQLite is synchronous, so quick joins arriving at
 * the same moment are counted one after another and never overfill a room. Each room
 * reports its seated count; reservations cover the gap until a reserved player arrives.
 * A room's count is seated + live reservations, which can briefly overstate it, never understate.
 */
export class Matchmaker extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS mm_room (
      room_id TEXT PRIMARY KEY, is_private INTEGER NOT NULL, taken INTEGER NOT NULL,
      max_players INTEGER NOT NULL, created_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS mm_reservation (
      id INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
    sql.exec("CREATE INDEX IF NOT EXISTS mm_reservation_by_room ON mm_reservation (room_id, expires_at)");
  }

  /** A public room with a free seat, fullest first, or a new one; the seat is reserved. */
  quick(maxPlayers: number): string {
    const now = Date.now();
    this.#dropExpired(now);
    const row = this.ctx.storage.sql
      .exec<{ room_id: string }>(
        `SELECT r.room_id FROM mm_room r
         WHERE r.is_private = 0 AND r.taken + (SELECT count(*) FROM mm_reservation v WHERE v.room_id = r.room_id) < r.max_players
         ORDER BY r.taken + (SELECT count(*) FROM mm_reservation v WHERE v.room_id = r.room_id) DESC, r.created_at
         LIMIT 1`,
      )
      .toArray()[0];
    const roomId = row?.room_id ?? this.#createRoom(false, maxPlayers, now);
    this.ctx.storage.sql.exec("INSERT INTO mm_reservation (room_id, expires_at) VALUES (?, ?)", roomId, now + RESERVATION_MS);
    return roomId;
  }

  /** A new room that quick joins never fill; its id is the code to share. */
  createPrivate(maxPlayers: number): string {
    const now = Date.now();
    const roomId = this.#createRoom(true, maxPlayers, now);
    this.ctx.storage.sql.exec("INSERT INTO mm_reservation (room_id, expires_at) VALUES (?, ?)", roomId, now + RESERVATION_MS);
    return roomId;
  }

  /** A room's own count of taken seats. An empty room leaves the listing. */
  report(roomId: string, taken: number, maxPlayers: number): void {
    const sql = this.ctx.storage.sql;
    if (taken === 0) {
      sql.exec("DELETE FROM mm_room WHERE room_id = ?", roomId);
      sql.exec("DELETE FROM mm_reservation WHERE room_id = ?", roomId);
      return;
    }
    sql.exec(
      `INSERT INTO mm_room (room_id, is_private, taken, max_players, created_at) VALUES (?, 0, ?, ?, ?)
       ON CONFLICT (room_id) DO UPDATE SET taken = excluded.taken, max_players = excluded.max_players`,
      roomId, taken, maxPlayers, Date.now(),
    );
  }

  /** Public rooms with a free seat, for a lobby. */
  open(): OpenRoom[] {
    this.#dropExpired(Date.now());
    return this.ctx.storage.sql
      .exec<{ room_id: string; taken: number; max_players: number }>(
        `SELECT r.room_id, r.taken + (SELECT count(*) FROM mm_reservation v WHERE v.room_id = r.room_id) AS taken, r.max_players
         FROM mm_room r WHERE r.is_private = 0 ORDER BY taken DESC, r.created_at LIMIT ?`,
        MAX_OPEN_ROOMS_LISTED,
      )
      .toArray()
      .filter((r) => r.taken < r.max_players)
      .map((r) => ({ roomId: r.room_id, taken: r.taken, maxPlayers: r.max_players }));
  }

  #createRoom(isPrivate: boolean, maxPlayers: number, now: number): string {
    const roomId = `${isPrivate ? "p" : "q"}-${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO mm_room (room_id, is_private, taken, max_players, created_at) VALUES (?, ?, 0, ?, ?)",
      roomId, isPrivate ? 1 : 0, maxPlayers, now,
    );
    return roomId;
  }

  #dropExpired(now: number): void {
    this.ctx.storage.sql.exec("DELETE FROM mm_reservation WHERE expires_at <= ?", now);
  }
}
