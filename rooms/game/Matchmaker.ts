import { DurableObject } from "cloudflare:workers";
import { migrate } from "../../persistence/index.ts";
import { GroupCommit } from "../engine/groupCommit.ts";
import { logEvent } from "../log.ts";
import { addRoomHeld, MATCHMAKER_MIGRATIONS } from "./matchmakerSchema.ts";

/** A quick-join reservation holds a seat this long, in ms, until the room's own report takes over. */
export const RESERVATION_MS = 15_000;
/** Rooms one listing returns at most. */
export const MAX_OPEN_ROOMS_LISTED = 50;
/**
 * A room handed out that nobody holds after this long, in ms (no seated player reported, no live
 * reservation), is forgotten: time enough to share a private room's code and join it. A room whose
 * players come later is listed again by its own report, private still (its id says so).
 */
export const UNHELD_ROOM_TTL_MS = 10 * 60_000;
/** Rooms one alarm forgets at most, so an alarm stays short; the next alarm follows at once. */
export const COLLECT_BATCH = 500;

/** Private rooms' ids start with this; the matchmaker hands out no other ids with it. */
const PRIVATE_PREFIX = "p-";

export { addReservationSub } from "./matchmakerSchema.ts";

/** Seated plus live reservations: a room's count as quick joins see it. */
const TAKEN = "r.taken + (SELECT count(*) FROM mm_reservation v WHERE v.room_id = r.room_id)";
/**
 * A room someone is in or on the way to: not one whose every taken seat is held for a player whose
 * connection dropped. A quick join sent there would wait, alone, for a player who may not come back
 * (SEAT_HOLD_MS); it gets a room of its own, or one with a player in it, instead.
 */
const ATTENDED = `(r.held = 0 OR r.held < ${TAKEN})`;

/**
 * The queries that pick rooms out of many, exported so a test can show each searches an index
 * (EXPLAIN QUERY PLAN). Every `?` is bound by the caller, in order.
 */
export const MatchmakerSql = {
  /** Attended public rooms with a free seat, fullest first, with their free seats (expired reservations dropped first). No params. */
  quick: `SELECT r.room_id, r.max_players - (${TAKEN}) AS free FROM mm_room r
    WHERE r.is_private = 0 AND ${TAKEN} < r.max_players AND ${ATTENDED}
    ORDER BY ${TAKEN} DESC, r.created_at LIMIT 1`,
  /** Attended public rooms for a lobby. Params: limit. */
  open: `SELECT r.room_id, ${TAKEN} AS taken, r.max_players FROM mm_room r
    WHERE r.is_private = 0 AND ${ATTENDED} ORDER BY taken DESC, r.created_at LIMIT ?`,
  /** Forgets rooms nobody holds. Params: cutoff, now, batch. */
  collect: `DELETE FROM mm_room WHERE room_id IN (
    SELECT r.room_id FROM mm_room r WHERE r.taken = 0 AND r.created_at <= ?
      AND NOT EXISTS (SELECT 1 FROM mm_reservation v WHERE v.room_id = r.room_id AND v.expires_at > ?)
    LIMIT ?) RETURNING room_id`,
  /** The oldest room nobody holds, to set the next alarm by. No params. */
  oldestUnheld: "SELECT min(created_at) AS at FROM mm_room WHERE taken = 0",
  /** Params: now. */
  dropExpired: "DELETE FROM mm_reservation WHERE expires_at <= ?",
} as const;

/**
 * Quick joins' reservations for one room, one row per sub of a JSON array (null for none); it picks no
 * room, so it is not one of MatchmakerSql's. Params: room id, expires at, subs.
 */
const RESERVE_SQL = `INSERT INTO mm_reservation (room_id, expires_at, sub) SELECT ?1, ?2, j.value FROM json_each(?3) j`;

/** A quick join waiting for its turn in a group (see Matchmaker's #quickJoins). */
interface QuickJoin {
  maxPlayers: number;
  sub: string | null;
  resolve: (roomId: string) => void;
  reject: (error: unknown) => void;
}

export interface OpenRoom {
  roomId: string;
  taken: number;
  maxPlayers: number;
}

/**
 * Seat counts for one game in one region (object name `{gameName}:{region}`). A Durable
 * Object runs one call at a time and DO SQLite is synchronous, so quick joins arriving at
 * the same moment are counted one after another and never overfill a room. Each room
 * reports its seated count and players; reservations cover the gap until a reserved player arrives,
 * and a player's report of their seat ends their reservation. A room's count is seated + live
 * reservations, which can briefly overstate it (a report lost, a player who never came), never understate.
 * Rooms nobody holds are forgotten by the alarm (UNHELD_ROOM_TTL_MS), so handing out rooms
 * nobody joins grows nothing.
 */
export class Matchmaker extends DurableObject<Env> {
  /**
   * Quick joins, written in groups (rooms/engine/groupCommit.ts): the first at once, as before; those that
   * arrive while its commit is in flight wait for it and are then answered together in one event,
   * each counted before the next is placed. Each join was its own event, so its own commit, an fsync
   * on the runtime's one thread under workerd: a 500-player join storm made 500 of them in a row here.
   * No join is answered before the commit holding its reservation (the output gate holds the reply).
   */
  readonly #quickJoins = new GroupCommit<QuickJoin>(
    (batch) => this.#answerQuickJoins(batch),
    () => this.ctx.storage.sync(),
    (error) => logEvent("matchmaker_commit_failed", { matchmaker: this.ctx.id.name ?? null, error }),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage.sql, "matchmaker", MATCHMAKER_MIGRATIONS);
    addRoomHeld(ctx.storage.sql);
  }

  /** A public room with a free seat, fullest first, or a new one; the seat is reserved for `sub`. */
  quick(maxPlayers: number, sub: string | null = null): Promise<string> {
    return new Promise((resolve, reject) => this.#quickJoins.push({ maxPlayers, sub, resolve, reject }));
  }

  /**
   * Places each join of `batch` in order, in this one event; answers them once any new room's collection
   * is scheduled. Each join went to the fullest room with a free seat, which stays the fullest as it
   * fills: so the room is looked up once and filled to its free seats, and its reservations are written
   * in one statement, before the next lookup (which counts them). Each join queried and inserted on its
   * own: two statements a join, 1,000 in a 500-player storm.
   */
  #answerQuickJoins(batch: QuickJoin[]): void {
    const now = Date.now();
    const placed: { join: QuickJoin; roomId: string }[] = [];
    let isRoomCreated = false;
    try {
      this.#dropExpired(now);
    } catch (error) {
      for (const join of batch) join.reject(error);
      return;
    }
    let room: { roomId: string; free: number; joins: QuickJoin[] } | null = null;
    const reserve = () => {
      if (!room || room.joins.length === 0) return;
      const { roomId, joins } = room;
      room.joins = [];
      try {
        this.ctx.storage.sql.exec(RESERVE_SQL, roomId, now + RESERVATION_MS, JSON.stringify(joins.map((j) => j.sub)));
        for (const join of joins) placed.push({ join, roomId });
      } catch (error) {
        for (const join of joins) join.reject(error);
      }
    };
    for (const join of batch) {
      try {
        if (!room || room.free <= 0) {
          reserve();
          const row = this.ctx.storage.sql.exec<{ room_id: string; free: number }>(MatchmakerSql.quick).toArray()[0];
          room = row ? { roomId: row.room_id, free: row.free, joins: [] } : { roomId: this.#createRoom(false, join.maxPlayers, now), free: join.maxPlayers, joins: [] };
          isRoomCreated ||= !row;
        }
        room.free -= 1;
        room.joins.push(join);
      } catch (error) {
        join.reject(error);
      }
    }
    reserve();
    const scheduled = isRoomCreated ? this.#scheduleCollection(now + UNHELD_ROOM_TTL_MS) : Promise.resolve();
    scheduled.then(
      () => placed.forEach(({ join, roomId }) => join.resolve(roomId)),
      (error: unknown) => placed.forEach(({ join }) => join.reject(error)),
    );
  }

  /** A new room that quick joins never fill; its id is the code to share. */
  async createPrivate(maxPlayers: number, sub: string | null = null): Promise<string> {
    const now = Date.now();
    const roomId = this.#createRoom(true, maxPlayers, now);
    this.ctx.storage.sql.exec("INSERT INTO mm_reservation (room_id, expires_at, sub) VALUES (?, ?, ?)", roomId, now + RESERVATION_MS, sub);
    await this.#scheduleCollection(now + UNHELD_ROOM_TTL_MS);
    return roomId;
  }

  /**
   * A room's own count of taken seats, and who has sat in them since its last report (`arrived`: who
   * sits now, and who sat and left meanwhile). An empty room leaves the listing, unless a player is on the way
   * to it. A seated player's reservation is used up: counted as well, it would fill a 2-seat room with
   * one player until it expired, and the next quick join would wait alone in a new room. `held`: how many
   * of the taken seats are held for a player whose connection dropped (0 from a room that does not say).
   */
  report(roomId: string, taken: number, maxPlayers: number, arrived: readonly string[] = [], held = 0): void {
    const sql = this.ctx.storage.sql;
    if (arrived.length > 0) {
      sql.exec("DELETE FROM mm_reservation WHERE room_id = ? AND sub IN (SELECT value FROM json_each(?))", roomId, JSON.stringify(arrived));
    }
    if (taken === 0) {
      // An empty room is forgotten, unless a player is on the way to it: a report sent before they sat
      // (a room reports at most once a second) must not take their reservation, nor the room, from under
      // the next quick join that would pair with them.
      const onTheWay = sql.exec<{ n: number }>("SELECT count(*) AS n FROM mm_reservation WHERE room_id = ? AND expires_at > ?", roomId, Date.now()).one().n;
      if (onTheWay === 0) {
        sql.exec("DELETE FROM mm_room WHERE room_id = ?", roomId);
        sql.exec("DELETE FROM mm_reservation WHERE room_id = ?", roomId);
        return;
      }
    }
    // A room reported after it was forgotten is listed again as what its id says it is.
    sql.exec(
      `INSERT INTO mm_room (room_id, is_private, taken, held, max_players, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_id) DO UPDATE SET taken = excluded.taken, held = excluded.held, max_players = excluded.max_players`,
      roomId, roomId.startsWith(PRIVATE_PREFIX) ? 1 : 0, taken, Math.min(Math.max(held, 0), taken), maxPlayers, Date.now(),
    );
  }

  /** Public rooms with a free seat, for a lobby. */
  open(): OpenRoom[] {
    const now = Date.now();
    this.#dropExpired(now);
    return this.ctx.storage.sql
      .exec<{ room_id: string; taken: number; max_players: number }>(MatchmakerSql.open, MAX_OPEN_ROOMS_LISTED)
      .toArray()
      .filter((r) => r.taken < r.max_players)
      .map((r) => ({ roomId: r.room_id, taken: r.taken, maxPlayers: r.max_players }));
  }

  /** Forgets rooms nobody holds, and sets the alarm for the next one that will be due. */
  async alarm(): Promise<void> {
    const now = Date.now();
    this.#dropExpired(now);
    const forgotten = this.ctx.storage.sql.exec(MatchmakerSql.collect, now - UNHELD_ROOM_TTL_MS, now, COLLECT_BATCH).toArray().length;
    if (forgotten >= COLLECT_BATCH) return this.ctx.storage.setAlarm(now);
    const oldest = this.ctx.storage.sql.exec<{ at: number | null }>(MatchmakerSql.oldestUnheld).one().at;
    // An old room skipped for a live reservation is looked at again once the reservation ends.
    if (oldest !== null) await this.ctx.storage.setAlarm(Math.max(oldest + UNHELD_ROOM_TTL_MS, now + RESERVATION_MS));
  }

  #createRoom(isPrivate: boolean, maxPlayers: number, now: number): string {
    const roomId = `${isPrivate ? PRIVATE_PREFIX : "q-"}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    this.ctx.storage.sql.exec(
      "INSERT INTO mm_room (room_id, is_private, taken, max_players, created_at) VALUES (?, ?, 0, ?, ?)",
      roomId, isPrivate ? 1 : 0, maxPlayers, now,
    );
    return roomId;
  }

  /** Sets the alarm for `at` unless it is already set sooner. */
  async #scheduleCollection(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  #dropExpired(now: number): void {
    this.ctx.storage.sql.exec(MatchmakerSql.dropExpired, now);
  }
}
