import { migrate } from "../../persistence/migrate.ts";
import type { SqlExec } from "../../persistence/sql.ts";
import type { Outbox } from "../../persistence/outbox.ts";
import type { DirectoryEntry, DirectoryReport } from "../../protocol/index.ts";
import { DIRECTORY_REPORT_MIGRATIONS } from "../roomSchemas.ts";
import type { Randomness } from "./ports.ts";

/** A room writes its directory entry at most this often, in ms, however busy it is. */
export const DIRECTORY_REPORT_INTERVAL_MS = 5_000;

/**
 * Reports a room's lifecycle to the directory through its outbox, throttled: a change
 * marks the entry dirty, and a report goes out at most once per interval (the room's alarm
 * sends the pending one). A busy room pays one small write per interval, not per message.
 * A deleted room's row is removed by the delete itself (roomPurge.ts), not through here.
 */
export class DirectoryReporter {
  readonly #sql: SqlExec;
  readonly #outbox: Outbox;
  readonly #random: Randomness;
  readonly #build: () => DirectoryEntry;

  constructor(sql: SqlExec, outbox: Outbox, random: Randomness, build: () => DirectoryEntry) {
    this.#sql = sql;
    this.#outbox = outbox;
    this.#random = random;
    this.#build = build;
    migrate(sql, "directory_report", DIRECTORY_REPORT_MIGRATIONS);
  }

  /** Something the directory shows changed. Returns when the room's alarm must run to report it, or null. */
  changed(now: number): number | null {
    this.#sql.exec("UPDATE directory_state SET is_dirty = 1 WHERE id = 1");
    return this.due(now);
  }

  /** Sends a pending report if its interval has passed; returns when to look again, or null. */
  due(now: number): number | null {
    const state = this.#sql.exec<{ last_report_at: number; is_dirty: number }>("SELECT last_report_at, is_dirty FROM directory_state WHERE id = 1").one();
    if (state.is_dirty === 0) return null;
    const dueAt = state.last_report_at + DIRECTORY_REPORT_INTERVAL_MS;
    if (now < dueAt) return dueAt;
    // A full outbox takes no report (enqueue would throw, and the alarm that drains it with it):
    // the report stays pending until the outbox has room.
    if (this.#outbox.isFull()) return now + DIRECTORY_REPORT_INTERVAL_MS;
    const report: DirectoryReport = { type: "entry", reportedAt: now, entry: this.#build() };
    this.#outbox.enqueue("directory", `directory:${now}:${this.#random.uuid().slice(0, 8)}`, JSON.stringify(report), now);
    this.#sql.exec("UPDATE directory_state SET last_report_at = ?, is_dirty = 0 WHERE id = 1", now);
    return null;
  }
}
