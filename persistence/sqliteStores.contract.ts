import { expect } from "vitest";
import { SqliteDocVersions } from "./docVersions.ts";
import { OutboxLimits, SqliteOutbox } from "./outbox.ts";
import type { SqlExec } from "./sql.ts";

/**
 * The room stores that exist only on SQLite (no interface, no twin) behave the same on each SQLite
 * they run on: given an empty database, on node:sqlite in Node (nodeSqlite.test.ts) and on DO SQLite
 * inside workerd (test/workers/sqliteStores.test.ts). Their behaviour in rooms is the workerd tests'.
 */
export const sqliteStoresContract: Record<string, (sql: SqlExec) => void> = {
  "outbox: one entry per key, due after the flush delay, confirmed away": (sql) => {
    const outbox = new SqliteOutbox(sql);
    outbox.enqueue("directory", "k1", "first", 1_000);
    outbox.enqueue("directory", "k1", "second", 1_000);
    outbox.enqueue("leaderboard", "k2", "other", 1_000);
    expect(outbox.backlog()).toBe(2);
    expect(outbox.due(1_000)).toEqual([]);
    const due = outbox.due(1_000 + OutboxLimits.FLUSH_DELAY_MS);
    expect(due.map((e) => [e.kind, e.key, e.payload, e.attempts])).toEqual([["directory", "k1", "first", 0], ["leaderboard", "k2", "other", 0]]);
    expect(outbox.entriesOfKinds(["leaderboard"]).map((e) => e.key)).toEqual(["k2"]);
    outbox.confirm(due[0]!.id, 3_000);
    expect(outbox.status()).toMatchObject({ backlog: 1, lastSuccessAt: 3_000, failures: 0 });
  },
  "outbox: a failure is retried later and counted": (sql) => {
    const outbox = new SqliteOutbox(sql);
    outbox.enqueue("directory", "k1", "p", 0);
    const [entry] = outbox.due(OutboxLimits.FLUSH_DELAY_MS);
    outbox.fail(entry!, "store down", 5_000, () => 0);
    expect(outbox.due(5_000)).toEqual([]);
    expect(outbox.nextAttemptAt()).toBe(5_000 + OutboxLimits.BASE_RETRY_MS / 2);
    expect(outbox.status()).toMatchObject({ lastError: "store down", lastErrorAt: 5_000, failures: 1 });
    expect(outbox.due(10_000)[0]?.attempts).toBe(1);
  },
  "doc versions: records a changed document with its editors, skips an unchanged one": (sql) => {
    const versions = new SqliteDocVersions(sql);
    expect(versions.noteUpdate("bob")).toBe(1);
    expect(versions.noteUpdate("ann")).toBe(2);
    const snapshot = new Uint8Array(2 * 1024 * 1024 + 10).map((_, i) => i % 251);
    const id = versions.add(snapshot, "hash-1", 100);
    expect(id).not.toBeNull();
    expect(versions.add(snapshot, "hash-1", 200)).toBeNull();
    expect(versions.list()).toEqual([{ id, createdAt: 100, bytes: snapshot.byteLength, editors: ["ann", "bob"], isUploaded: false }]);
    expect(versions.pendingSnapshot(id!)).toEqual(snapshot);
    expect(versions.schedule()).toEqual({ lastVersionAt: 100, dueAt: null });
    expect(versions.noteUpdate("ann")).toBe(1);
  },
  "doc versions: uploaded bytes leave, pruning keeps the newest": (sql) => {
    const versions = new SqliteDocVersions(sql);
    const first = versions.add(new Uint8Array([1]), "h1", 100)!;
    const second = versions.add(new Uint8Array([2]), "h2", 200)!;
    versions.markUploaded(first);
    expect(versions.pendingSnapshot(first)).toBeNull();
    expect(versions.get(first)?.isUploaded).toBe(true);
    expect(versions.prune({ maxVersions: 1, maxBytes: 100 })).toEqual([first]);
    expect(versions.list().map((v) => v.id)).toEqual([second]);
    versions.defer(900);
    expect(versions.schedule().dueAt).toBe(900);
    versions.clearDue();
    expect(versions.schedule().dueAt).toBeNull();
  },
};
