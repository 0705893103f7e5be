import { MAX_STATUS_ERROR_CHARS, OutboxFullError, OutboxLimits, outboxCapacity, retryDelayMs, type Outbox, type OutboxStatus } from "./outbox.ts";
import type { OutboxEntry, OutboxKind, OutboxPayloads } from "./outboxKinds.ts";

interface StoredEntry {
  entry: OutboxEntry;
  nextAttemptAt: number;
}

/**
 * The outbox in memory, for engine tests and tools: what SqliteOutbox does, row for row, without a
 * database (outbox.contract.ts holds both to it). It has no transactions, so a room must not pair it
 * with a SQLite store whose writes it should commit with.
 */
export class MemoryOutbox implements Outbox {
  /** By id, in insertion order: ids only grow (as SQLite's AUTOINCREMENT), so this is oldest first. */
  readonly #entries = new Map<number, StoredEntry>();
  #lastId = 0;
  #status: Omit<OutboxStatus, "backlog"> = { lastError: null, lastErrorAt: null, lastSuccessAt: null, failures: 0 };

  enqueue<K extends OutboxKind>(kind: K, key: string, payload: OutboxPayloads[K], now: number, { isReserved = false } = {}): void {
    const backlog = this.backlog();
    if (backlog >= outboxCapacity(isReserved)) throw new OutboxFullError(backlog);
    for (const { entry } of this.#entries.values()) if (entry.key === key) return;
    const id = ++this.#lastId;
    const entry = { id, kind, key, payload, attempts: 0 } as OutboxEntry;
    this.#entries.set(id, { entry, nextAttemptAt: now + OutboxLimits.FLUSH_DELAY_MS });
  }

  backlog(): number {
    return this.#entries.size;
  }

  isFull(): boolean {
    return this.backlog() >= outboxCapacity(false);
  }

  entriesOfKinds(kinds: readonly OutboxKind[]): OutboxEntry[] {
    return [...this.#entries.values()].filter(({ entry }) => kinds.includes(entry.kind)).map(({ entry }) => ({ ...entry }));
  }

  due(now: number): OutboxEntry[] {
    return [...this.#entries.values()]
      .filter((stored) => stored.nextAttemptAt <= now)
      .slice(0, OutboxLimits.BATCH)
      .map(({ entry }) => ({ ...entry }));
  }

  nextAttemptAt(): number | null {
    let next: number | null = null;
    for (const { nextAttemptAt } of this.#entries.values()) if (next === null || nextAttemptAt < next) next = nextAttemptAt;
    return next;
  }

  confirm(id: number, now: number): void {
    this.#entries.delete(id);
    this.#status.lastSuccessAt = now;
  }

  fail(entry: OutboxEntry, error: string, now: number, random: () => number): void {
    const stored = this.#entries.get(entry.id);
    if (stored) {
      const attempts = entry.attempts + 1;
      stored.entry = { ...stored.entry, attempts };
      stored.nextAttemptAt = now + retryDelayMs(attempts, random);
    }
    this.#status = { ...this.#status, lastError: error.slice(0, MAX_STATUS_ERROR_CHARS), lastErrorAt: now, failures: this.#status.failures + 1 };
  }

  status(): OutboxStatus {
    return { backlog: this.backlog(), ...this.#status };
  }
}
