import { migrate } from "./migrate.ts";
import type { OutboxEntry, OutboxKind, OutboxPayloads } from "./outboxKinds.ts";
import type { SqlExec } from "./sql.ts";

/**
 * A durable outbox in DO SQLite. Rows are written in the same transaction as the event
 * that caused them (a match's end), flushed by the Durable Object's alarm, retried with
 * exponential backoff and jitter, and deleted only after their store confirmed them.
 * Every entry has an idempotency key, so a retry after a lost confirmation changes nothing.
 */
export const OutboxLimits = {
  /** Entries waiting at most; past it, enqueue throws and the room stops starting matches (backpressure). */
  MAX_ENTRIES: 1_000,
  /**
   * The top entries of MAX_ENTRIES, kept for exports an event already under way was promised (a
   * match's end: its leaderboard writes, its replay, and its match.ended event for a hook and a
   * webhook). Other entries stop below them, and a game room starts a match only while they are free,
   * so a match's end always fits in its transaction.
   */
  RESERVED_ENTRIES: 4,
  /** First retry delay, in ms; doubles per failed attempt. */
  BASE_RETRY_MS: 1_000,
  /** Longest retry delay, in ms: a store that is down for hours is tried every 5 minutes. */
  MAX_RETRY_MS: 5 * 60_000,
  /** Entries one flush sends at most, so an alarm stays short. */
  BATCH: 25,
  /** Delay before the first flush, in ms: entries of one moment go out together. */
  FLUSH_DELAY_MS: 1_000,
} as const;

export class OutboxFullError extends Error {
  constructor(backlog: number) {
    super(`outbox holds ${backlog} entries; flush before adding more`);
  }
}

/** Entries other than the reserved ones stop here. */
const ORDINARY_ENTRIES = OutboxLimits.MAX_ENTRIES - OutboxLimits.RESERVED_ENTRIES;

export interface OutboxStatus {
  backlog: number;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  failures: number;
}

/** Exponential backoff with equal jitter, capped at MAX_RETRY_MS. */
export function retryDelayMs(attempts: number, random: () => number): number {
  const window = Math.min(OutboxLimits.MAX_RETRY_MS, OutboxLimits.BASE_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(window / 2 + random() * (window / 2));
}

export const OUTBOX_MIGRATIONS = [
  [
    `CREATE TABLE IF NOT EXISTS outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
      payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS outbox_status (
      id INTEGER PRIMARY KEY CHECK (id = 1), last_error TEXT, last_error_at INTEGER,
      last_success_at INTEGER, failures INTEGER NOT NULL DEFAULT 0)`,
    "INSERT OR IGNORE INTO outbox_status (id) VALUES (1)",
  ],
] as const;

/**
 * What a room needs of its outbox (rooms/engine/roomCore.ts, roomEvents.ts, directoryReporter.ts,
 * rooms/doc/docHistory.ts, the game's matchExports.ts). SqliteOutbox is the one rooms run on, so its
 * entries commit with the change that caused them; MemoryOutbox (memoryOutbox.ts) is its twin for
 * engine tests and tools, and outbox.contract.ts holds both to the same behaviour.
 */
export interface Outbox {
  /**
   * Adds an entry; an entry with the same key is kept as it is. Throws OutboxFullError past the
   * bound: MAX_ENTRIES for an entry that `isReserved` (see RESERVED_ENTRIES), below it for others.
   */
  enqueue<K extends OutboxKind>(kind: K, key: string, payload: OutboxPayloads[K], now: number, options?: { isReserved?: boolean }): void;
  backlog(): number;
  /** Whether ordinary entries are refused: a game room then holds its next match back. */
  isFull(): boolean;
  entriesOfKinds(kinds: readonly OutboxKind[]): OutboxEntry[];
  /** Entries whose attempt is due at `now`, oldest first, at most BATCH. */
  due(now: number): OutboxEntry[];
  /** Epoch ms of the next entry's attempt, or null when empty. */
  nextAttemptAt(): number | null;
  /** The entry's store confirmed it: it leaves. */
  confirm(id: number, now: number): void;
  /** The attempt failed: tried again after retryDelayMs, and counted in the status. */
  fail(entry: OutboxEntry, error: string, now: number, random: () => number): void;
  status(): OutboxStatus;
}

/** The bound an entry meets: ordinary entries stop below the reserved ones. */
export function outboxCapacity(isReserved: boolean): number {
  return isReserved ? OutboxLimits.MAX_ENTRIES : ORDINARY_ENTRIES;
}

/** Error text kept in the status, in characters: enough to recognise a store's answer. */
export const MAX_STATUS_ERROR_CHARS = 500;

export class SqliteOutbox implements Outbox {
  readonly #sql: SqlExec;

  constructor(sql: SqlExec) {
    this.#sql = sql;
    migrate(sql, "outbox", OUTBOX_MIGRATIONS);
  }

  enqueue<K extends OutboxKind>(kind: K, key: string, payload: OutboxPayloads[K], now: number, { isReserved = false } = {}): void {
    const backlog = this.backlog();
    if (backlog >= outboxCapacity(isReserved)) throw new OutboxFullError(backlog);
    this.#sql.exec(
      "INSERT OR IGNORE INTO outbox (kind, key, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)",
      kind, key, payload, now + OutboxLimits.FLUSH_DELAY_MS, now,
    );
  }

  backlog(): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
  }

  isFull(): boolean {
    return this.backlog() >= ORDINARY_ENTRIES;
  }

  entriesOfKinds(kinds: readonly OutboxKind[]): OutboxEntry[] {
    if (kinds.length === 0) return [];
    return this.#sql
      .exec<OutboxEntry>(
        `SELECT id, kind, key, payload, attempts FROM outbox WHERE kind IN (${kinds.map(() => "?").join(", ")}) ORDER BY id`,
        ...kinds,
      )
      .toArray();
  }

  due(now: number): OutboxEntry[] {
    return this.#sql
      .exec<OutboxEntry>(
        "SELECT id, kind, key, payload, attempts FROM outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?",
        now, OutboxLimits.BATCH,
      )
      .toArray();
  }

  nextAttemptAt(): number | null {
    return this.#sql.exec<{ at: number | null }>("SELECT min(next_attempt_at) AS at FROM outbox").one().at;
  }

  confirm(id: number, now: number): void {
    this.#sql.exec("DELETE FROM outbox WHERE id = ?", id);
    this.#sql.exec("UPDATE outbox_status SET last_success_at = ? WHERE id = 1", now);
  }

  fail(entry: OutboxEntry, error: string, now: number, random: () => number): void {
    const attempts = entry.attempts + 1;
    this.#sql.exec(
      "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?",
      attempts, now + retryDelayMs(attempts, random), entry.id,
    );
    this.#sql.exec(
      "UPDATE outbox_status SET last_error = ?, last_error_at = ?, failures = failures + 1 WHERE id = 1",
      error.slice(0, MAX_STATUS_ERROR_CHARS), now,
    );
  }

  status(): OutboxStatus {
    const row = this.#sql
      .exec<{ last_error: string | null; last_error_at: number | null; last_success_at: number | null; failures: number }>(
        "SELECT last_error, last_error_at, last_success_at, failures FROM outbox_status WHERE id = 1",
      )
      .one();
    return {
      backlog: this.backlog(),
      lastError: row.last_error,
      lastErrorAt: row.last_error_at,
      lastSuccessAt: row.last_success_at,
      failures: row.failures,
    };
  }
}

/** Delivers one entry to its store; throws if the store did not confirm it. */
export type OutboxDelivery = (entry: OutboxEntry) => Promise<void>;

/**
 * Sends every due entry once; confirmed entries leave, failed ones are rescheduled.
 * Returns when the outbox next needs an alarm (or null when it is empty).
 */
export async function flushOutbox(
  outbox: Outbox,
  deliver: OutboxDelivery,
  now: () => number = Date.now,
  random: () => number = Math.random,
): Promise<{ delivered: number; failed: number; nextAt: number | null }> {
  let delivered = 0;
  let failed = 0;
  for (const entry of outbox.due(now())) {
    try {
      await deliver(entry);
      outbox.confirm(entry.id, now());
      delivered += 1;
    } catch (error) {
      outbox.fail(entry, error instanceof Error ? error.message : String(error), now(), random);
      failed += 1;
    }
  }
  return { delivered, failed, nextAt: outbox.nextAttemptAt() };
}
