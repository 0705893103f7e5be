import { migrate } from "./migrate.ts";
import type { SqlExec } from "./sql.ts";

/**
 * A room's cumulative counters by name (messages, bytes, refusals by reason, tick overruns): what
 * rooms/telemetry.ts folds its in-memory counts into at each directory report. SqliteRoomCounters is
 * the one rooms run on; MemoryRoomCounters is its twin, and roomCounters.contract.ts holds both to it.
 */
export interface RoomCounterStore {
  /** Adds each delta to its counter; a counter not seen before starts at 0. */
  add(deltas: ReadonlyMap<string, number>): void;
  /** Every counter and its value. */
  all(): Map<string, number>;
}

/** RoomTelemetry's counters. The store name stays "telemetry": rooms record it in schema_migration. */
export const TELEMETRY_MIGRATIONS = [
  ["CREATE TABLE IF NOT EXISTS room_counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"],
] as const;

export class SqliteRoomCounters implements RoomCounterStore {
  readonly #sql: SqlExec;

  constructor(sql: SqlExec) {
    this.#sql = sql;
    migrate(sql, "telemetry", TELEMETRY_MIGRATIONS);
  }

  add(deltas: ReadonlyMap<string, number>): void {
    for (const [name, value] of deltas) {
      this.#sql.exec("INSERT INTO room_counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", name, value);
    }
  }

  all(): Map<string, number> {
    return new Map(this.#sql.exec<{ name: string; value: number }>("SELECT name, value FROM room_counter").toArray().map((r) => [r.name, r.value]));
  }
}

/** RoomCounterStore in memory, for engine tests and tools. */
export class MemoryRoomCounters implements RoomCounterStore {
  readonly #values = new Map<string, number>();

  add(deltas: ReadonlyMap<string, number>): void {
    for (const [name, value] of deltas) this.#values.set(name, (this.#values.get(name) ?? 0) + value);
  }

  all(): Map<string, number> {
    return new Map(this.#values);
  }
}
