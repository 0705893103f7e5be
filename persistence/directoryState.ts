import { migrate } from "./migrate.ts";
import type { SqlExec } from "./sql.ts";

/**
 * What the directory reporter (rooms/engine/directoryReporter.ts) keeps between wakes: when the room
 * last reported, and whether something changed since. SqliteDirectoryState is the one rooms run on;
 * MemoryDirectoryState is its twin, and directoryState.contract.ts holds both to it.
 */
export interface DirectoryReportState {
  /** Starts as never reported (0) and clean. */
  read(): { lastReportAt: number; isDirty: boolean };
  /** Something the directory shows changed. */
  markDirty(): void;
  /** A report went out at `at`: clean again. */
  markReported(at: number): void;
}

/** DirectoryReporter's throttle state. */
export const DIRECTORY_REPORT_MIGRATIONS = [
  [
    "CREATE TABLE IF NOT EXISTS directory_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_report_at INTEGER NOT NULL, is_dirty INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO directory_state (id, last_report_at, is_dirty) VALUES (1, 0, 0)",
  ],
] as const;

export class SqliteDirectoryState implements DirectoryReportState {
  readonly #sql: SqlExec;

  constructor(sql: SqlExec) {
    this.#sql = sql;
    migrate(sql, "directory_report", DIRECTORY_REPORT_MIGRATIONS);
  }

  read(): { lastReportAt: number; isDirty: boolean } {
    const row = this.#sql.exec<{ last_report_at: number; is_dirty: number }>("SELECT last_report_at, is_dirty FROM directory_state WHERE id = 1").one();
    return { lastReportAt: row.last_report_at, isDirty: row.is_dirty !== 0 };
  }

  markDirty(): void {
    this.#sql.exec("UPDATE directory_state SET is_dirty = 1 WHERE id = 1");
  }

  markReported(at: number): void {
    this.#sql.exec("UPDATE directory_state SET last_report_at = ?, is_dirty = 0 WHERE id = 1", at);
  }
}

/** DirectoryReportState in memory, for engine tests and tools. */
export class MemoryDirectoryState implements DirectoryReportState {
  #lastReportAt = 0;
  #isDirty = false;

  read(): { lastReportAt: number; isDirty: boolean } {
    return { lastReportAt: this.#lastReportAt, isDirty: this.#isDirty };
  }

  markDirty(): void {
    this.#isDirty = true;
  }

  markReported(at: number): void {
    this.#lastReportAt = at;
    this.#isDirty = false;
  }
}
