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
   * Values read or written through this store, by key. A room asked its meta on hot paths (every
   * admission: `created_at`, `location_hint`; the directory, `created_at`; every update, `locked`),
   * each a SQLite statement on the room's one thread. This store is the table's only writer while
   * the room lives (a purge empties the storage and drops the instance), so what it read or wrote
   * stays true, absent values (null) included.
   */
  readonly #known = new Map<RoomMetaKey, string | null>();

  constructor(private readonly sql: SqlExec) {
    migrate(sql, "room_meta", ROOM_META_MIGRATIONS);
  }

  get(key: RoomMetaKey): string | null {
    const known = this.#known.get(key);
    if (known !== undefined) return known;
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM room_meta WHERE key = ?", key).toArray();
    const value = rows[0]?.value ?? null;
    this.#known.set(key, value);
    return value;
  }

  set(key: RoomMetaKey, value: string): void {
    this.#known.delete(key); // a write that throws leaves nothing remembered
    this.sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES (?, ?)", key, value);
    this.#known.set(key, value);
  }

  setIfAbsent(key: RoomMetaKey, value: string): string {
    const known = this.#known.get(key);
    if (known !== undefined && known !== null) return known;
    this.#known.delete(key);
    this.sql.exec("INSERT OR IGNORE INTO room_meta (key, value) VALUES (?, ?)", key, value);
    return this.get(key) ?? value;
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
