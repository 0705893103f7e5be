import { migrate } from "./migrate.ts";
import type { SqlExec } from "./sql.ts";

/** Small facts about a room that outlive every connection, such as where it was placed. */
export interface RoomMetaStore {
  get(key: RoomMetaKey): string | null;
  set(key: RoomMetaKey, value: string): void;
  /** Sets `key` only if it has no value yet; returns the value now stored. */
  setIfAbsent(key: RoomMetaKey, value: string): string;
}

/** Keys come from this fixed list, never from a message. */
export type RoomMetaKey = "location_hint" | "created_at" | "locked";

export const ROOM_META_MIGRATIONS = [
  ["CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"],
] as const;

export class SqliteRoomMetaStore implements RoomMetaStore {
  /**
   * Values read or written by this store, nulls included: a game join asked for `created_at`,
   * `location_hint` and `locked` five times between its socket and its welcome, each a query, and
   * those reads were a twentieth of a 500-player join storm's samples in the room. Only this store
   * writes the table (one per room instance), so what it read stays true until it writes, or until
   * the room's storage is deleted under it (forgetCached).
   */
  readonly #cached = new Map<RoomMetaKey, string | null>();

  constructor(private readonly sql: SqlExec) {
    migrate(sql, "room_meta", ROOM_META_MIGRATIONS);
  }

  get(key: RoomMetaKey): string | null {
    const cached = this.#cached.get(key);
    if (cached !== undefined) return cached;
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM room_meta WHERE key = ?", key).toArray();
    const value = rows[0]?.value ?? null;
    this.#cached.set(key, value);
    return value;
  }

  set(key: RoomMetaKey, value: string): void {
    this.#cached.delete(key); // a write that throws leaves nothing remembered
    this.sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES (?, ?)", key, value);
    this.#cached.set(key, value);
  }

  setIfAbsent(key: RoomMetaKey, value: string): string {
    const current = this.get(key);
    if (current !== null) return current;
    this.sql.exec("INSERT OR IGNORE INTO room_meta (key, value) VALUES (?, ?)", key, value);
    this.#cached.delete(key); // read back: the row is what counts
    return this.get(key) ?? value;
  }

  /** Forgets every value read: the room's storage was emptied (an admin delete), so the next read asks it again. */
  forgetCached(): void {
    this.#cached.clear();
  }
}

/** RoomMetaStore in memory, for engine tests and tools; roomMeta.contract.ts holds it to the SQLite one's behaviour. */
export class MemoryRoomMetaStore implements RoomMetaStore {
  readonly #values = new Map<RoomMetaKey, string>();

  get(key: RoomMetaKey): string | null {
    return this.#values.get(key) ?? null;
  }

  set(key: RoomMetaKey, value: string): void {
    this.#values.set(key, value);
  }

  setIfAbsent(key: RoomMetaKey, value: string): string {
    if (!this.#values.has(key)) this.#values.set(key, value);
    return this.#values.get(key) ?? value;
  }
}
