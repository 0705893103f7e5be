import type { DirectoryReportState } from "../../persistence/directoryState.ts";
import type { Outbox } from "../../persistence/outbox.ts";
import type { DirectoryEntry, DirectoryReport } from "../../protocol/index.ts";
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
  readonly #state: DirectoryReportState;
  readonly #outbox: Outbox;
  readonly #random: Randomness;
  readonly #build: () => DirectoryEntry;
  /**
   * The stored throttle state, read once per instance and kept with every write: a join storm read
   * it from SQLite at every join and leave. Only this reporter writes it.
   */
  #known: { lastReportAt: number; isDirty: boolean } | null = null;

  constructor(state: DirectoryReportState, outbox: Outbox, random: Randomness, build: () => DirectoryEntry) {
    this.#state = state;
    this.#outbox = outbox;
    this.#random = random;
    this.#build = build;
  }

  /** Something the directory shows changed. Returns when the room's alarm must run to report it, or null. */
  changed(now: number): number | null {
    // Marked once per report, not at every change: each join and leave calls this, and a write
    // at each would give every one of their turns a commit to wait for.
    const state = this.#read();
    if (!state.isDirty) {
      this.#state.markDirty();
      state.isDirty = true;
    }
    return this.#due(state, now);
  }

  /** Sends a pending report if its interval has passed; returns when to look again, or null. Read afresh: the alarm is rare. */
  due(now: number): number | null {
    this.#known = this.#state.read();
    return this.#due(this.#known, now);
  }

  #read(): { lastReportAt: number; isDirty: boolean } {
    return (this.#known ??= this.#state.read());
  }

  #due(state: { lastReportAt: number; isDirty: boolean }, now: number): number | null {
    if (!state.isDirty) return null;
    const dueAt = state.lastReportAt + DIRECTORY_REPORT_INTERVAL_MS;
    if (now < dueAt) return dueAt;
    // A full outbox takes no report (enqueue would throw, and the alarm that drains it with it):
    // the report stays pending until the outbox has room.
    if (this.#outbox.isFull()) return now + DIRECTORY_REPORT_INTERVAL_MS;
    const report: DirectoryReport = { type: "entry", reportedAt: now, entry: this.#build() };
    this.#outbox.enqueue("directory", `directory:${now}:${this.#random.uuid().slice(0, 8)}`, JSON.stringify(report), now);
    this.#state.markReported(now);
    this.#known = { lastReportAt: now, isDirty: false };
    return null;
  }
}
