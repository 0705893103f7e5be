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
  constructor(private readonly sql: SqlExec) {
    migrate(sql, "room_meta", ROOM_META_MIGRATIONS);
  }

  get(key: RoomMetaKey): string | null {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM room_meta WHERE key = ?", key).toArray();
    return rows[0]?.value ?? null;
  }

  set(key: RoomMetaKey, value: string): void {
    this.sql.exec("INSERT OR REPLACE INTO room_meta (key, value) VALUES (?, ?)", key, value);
  }

  setIfAbsent(key: RoomMetaKey, value: string): string {
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
