import { expect } from "vitest";
import { flushOutbox, OutboxFullError, OutboxLimits, type Outbox } from "./outbox.ts";

/**
 * The behaviour every Outbox must have. Each case gets a fresh, empty outbox: MemoryOutbox runs these
 * in Node (memoryOutbox.test.ts), SqliteOutbox on node:sqlite in Node (nodeSqlite.test.ts) and on DO
 * SQLite inside workerd (test/workers/sqliteStores.test.ts). How rooms use it is the workerd tests'.
 */
export const outboxContract: Record<string, (outbox: Outbox) => void | Promise<void>> = {
  "one entry per key, due after the flush delay, confirmed away": (outbox) => {
    outbox.enqueue("directory", "k1", "first", 1_000);
    outbox.enqueue("directory", "k1", "second", 1_000);
    outbox.enqueue("leaderboard", "k2", "other", 1_000);
    expect(outbox.backlog()).toBe(2);
    expect(outbox.due(1_000)).toEqual([]);
    expect(outbox.nextAttemptAt()).toBe(1_000 + OutboxLimits.FLUSH_DELAY_MS);
    const due = outbox.due(1_000 + OutboxLimits.FLUSH_DELAY_MS);
    expect(due.map((e) => [e.kind, e.key, e.payload, e.attempts])).toEqual([["directory", "k1", "first", 0], ["leaderboard", "k2", "other", 0]]);
    expect(outbox.entriesOfKinds(["leaderboard"]).map((e) => e.key)).toEqual(["k2"]);
    expect(outbox.entriesOfKinds([])).toEqual([]);
    outbox.confirm(due[0]!.id, 3_000);
    expect(outbox.status()).toEqual({ backlog: 1, lastError: null, lastErrorAt: null, lastSuccessAt: 3_000, failures: 0 });
  },
  "a failure is retried later and counted": (outbox) => {
    outbox.enqueue("directory", "k1", "p", 0);
    const [entry] = outbox.due(OutboxLimits.FLUSH_DELAY_MS);
    outbox.fail(entry!, "store down", 5_000, () => 0);
    expect(outbox.due(5_000)).toEqual([]);
    expect(outbox.nextAttemptAt()).toBe(5_000 + OutboxLimits.BASE_RETRY_MS / 2);
    expect(outbox.status()).toMatchObject({ lastError: "store down", lastErrorAt: 5_000, failures: 1 });
    expect(outbox.due(10_000)[0]?.attempts).toBe(1);
  },
  "retries back off, doubling to the cap, and keep only the start of a long error": (outbox) => {
    outbox.enqueue("replay", "r", "match-1", 0);
    let now = OutboxLimits.FLUSH_DELAY_MS;
    for (let attempt = 1; attempt <= 20; attempt++) {
      const [entry] = outbox.due(now);
      expect(entry?.attempts).toBe(attempt - 1);
      outbox.fail(entry!, "x".repeat(2_000), now, () => 1);
      const window = Math.min(OutboxLimits.MAX_RETRY_MS, OutboxLimits.BASE_RETRY_MS * 2 ** (attempt - 1));
      expect(outbox.nextAttemptAt()).toBe(now + window);
      now += window;
    }
    expect(outbox.status().failures).toBe(20);
    expect(outbox.status().lastError?.length).toBe(500);
  },
  "one attempt takes at most BATCH entries, oldest first": (outbox) => {
    for (let i = 0; i < OutboxLimits.BATCH + 5; i++) outbox.enqueue("event_hook", `e${i}`, `{"n":${i}}`, i);
    const due = outbox.due(10_000);
    expect(due.map((e) => e.key)).toEqual(Array.from({ length: OutboxLimits.BATCH }, (_, i) => `e${i}`));
    expect(outbox.entriesOfKinds(["event_hook"])).toHaveLength(OutboxLimits.BATCH + 5);
  },
  "ordinary entries stop below the reserved ones, reserved ones at MAX_ENTRIES": (outbox) => {
    const ordinary = OutboxLimits.MAX_ENTRIES - OutboxLimits.RESERVED_ENTRIES;
    for (let i = 0; i < ordinary; i++) outbox.enqueue("directory", `d${i}`, "p", 0);
    expect(outbox.isFull()).toBe(true);
    expect(() => outbox.enqueue("directory", "one-more", "p", 0)).toThrow(OutboxFullError);
    for (let i = 0; i < OutboxLimits.RESERVED_ENTRIES; i++) outbox.enqueue("leaderboard", `l${i}`, "[]", 0, { isReserved: true });
    expect(() => outbox.enqueue("replay", "past-max", "m", 0, { isReserved: true })).toThrow(OutboxFullError);
    expect(outbox.backlog()).toBe(OutboxLimits.MAX_ENTRIES);
    outbox.confirm(outbox.due(OutboxLimits.FLUSH_DELAY_MS)[0]!.id, 1);
    expect(outbox.isFull()).toBe(true);
  },
  "a flush confirms what was delivered and reschedules what failed": async (outbox) => {
    outbox.enqueue("directory", "ok", "p", 0);
    outbox.enqueue("replay", "down", "m", 0);
    const now = OutboxLimits.FLUSH_DELAY_MS;
    const result = await flushOutbox(outbox, async (entry) => {
      if (entry.key === "down") throw new Error("R2 unavailable");
    }, () => now, () => 0);
    expect(result).toEqual({ delivered: 1, failed: 1, nextAt: now + OutboxLimits.BASE_RETRY_MS / 2 });
    expect(outbox.entriesOfKinds(["directory", "replay"]).map((e) => [e.key, e.attempts])).toEqual([["down", 1]]);
    expect(outbox.status()).toMatchObject({ backlog: 1, lastError: "R2 unavailable", lastSuccessAt: now, failures: 1 });
  },
  "an entry that left is not counted by a late confirmation or failure": (outbox) => {
    outbox.enqueue("directory", "k", "p", 0);
    const [entry] = outbox.due(OutboxLimits.FLUSH_DELAY_MS);
    outbox.confirm(entry!.id, 10);
    outbox.fail(entry!, "late", 20, () => 0);
    expect(outbox.backlog()).toBe(0);
    expect(outbox.nextAttemptAt()).toBeNull();
    outbox.enqueue("directory", "k", "again", 30);
    expect(outbox.entriesOfKinds(["directory"]).map((e) => [e.payload, e.attempts])).toEqual([["again", 0]]);
  },
};
