import { expect } from "vitest";
import type { DocVersionStore, VersionIdSource } from "./docVersions.ts";

/** Ids from a counter, so a case knows every version's id. */
export function countingIds(): VersionIdSource {
  let n = 0;
  return { uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, "0")}` };
}

/** A fresh, empty store whose version ids come from `random`. */
export type DocVersionStoreFactory = (random: VersionIdSource) => DocVersionStore;

/**
 * The behaviour every DocVersionStore must have. Each case makes its own fresh store: MemoryDocVersions
 * runs these in Node (memoryDocVersions.test.ts), SqliteDocVersions on node:sqlite in Node
 * (nodeSqlite.test.ts) and on DO SQLite inside workerd (test/workers/sqliteStores.test.ts).
 */
export const docVersionsContract: Record<string, (make: DocVersionStoreFactory) => void> = {
  "records a changed document with its editors, skips an unchanged one": (make) => {
    const versions = make(countingIds());
    expect(versions.noteUpdate("bob")).toBe(1);
    expect(versions.noteUpdate("ann")).toBe(2);
    expect(versions.noteUpdate("bob")).toBe(3);
    const snapshot = new Uint8Array(2 * 1024 * 1024 + 10).map((_, i) => i % 251);
    const id = versions.add(snapshot, "hash-1", 100);
    expect(id).not.toBeNull();
    expect(versions.add(snapshot, "hash-1", 200)).toBeNull();
    expect(versions.lastHash()).toBe("hash-1");
    expect(versions.list()).toEqual([{ id, createdAt: 100, bytes: snapshot.byteLength, editors: ["ann", "bob"], isUploaded: false }]);
    expect(versions.pendingSnapshot(id!)).toEqual(snapshot);
    expect(versions.schedule()).toEqual({ lastVersionAt: 100, dueAt: null });
    expect(versions.noteUpdate("ann")).toBe(1);
  },
  "a version's editors are those who wrote since the one before": (make) => {
    const versions = make(countingIds());
    versions.noteUpdate("bob");
    versions.add(new Uint8Array([1]), "h1", 100);
    versions.noteUpdate("ann");
    const second = versions.add(new Uint8Array([2]), "h2", 200)!;
    expect(versions.get(second)?.editors).toEqual(["ann"]);
    const third = versions.add(new Uint8Array([3]), "h3", 300)!;
    expect(versions.get(third)?.editors).toEqual([]);
  },
  "uploaded bytes leave, pruning keeps the newest": (make) => {
    const versions = make(countingIds());
    const first = versions.add(new Uint8Array([1]), "h1", 100)!;
    const second = versions.add(new Uint8Array([2]), "h2", 200)!;
    versions.markUploaded(first);
    expect(versions.pendingSnapshot(first)).toBeNull();
    expect(versions.get(first)?.isUploaded).toBe(true);
    expect(versions.prune({ maxVersions: 1, maxBytes: 100 })).toEqual([first]);
    expect(versions.list().map((v) => v.id)).toEqual([second]);
    expect(versions.get(first)).toBeNull();
    versions.defer(900);
    expect(versions.schedule().dueAt).toBe(900);
    versions.clearDue();
    expect(versions.schedule().dueAt).toBeNull();
  },
  "starts empty, with no version owed": (make) => {
    const versions = make(countingIds());
    expect(versions.list()).toEqual([]);
    expect(versions.lastHash()).toBeNull();
    expect(versions.schedule()).toEqual({ lastVersionAt: null, dueAt: null });
    expect(versions.get("nope")).toBeNull();
    expect(versions.pendingSnapshot("nope")).toBeNull();
    expect(versions.prune({ maxVersions: 1, maxBytes: 1 })).toEqual([]);
  },
  "ids come from the random source given, after the time, and list in time order": (make) => {
    const versions = make({ uuid: (() => { const tails = ["ffffffff", "00000000"]; return () => `00000000-0000-4000-8000-0000${tails.shift()}`; })() });
    const first = versions.add(new Uint8Array([1]), "h1", 100);
    const second = versions.add(new Uint8Array([2]), "h2", 101);
    expect([first, second]).toEqual(["000000000000100-ffffffff", "000000000000101-00000000"]);
    expect(versions.list().map((v) => v.id)).toEqual([first, second]);
  },
  "a version taken clears the one owed, and pruning away an un-uploaded one drops its bytes": (make) => {
    const versions = make(countingIds());
    versions.defer(500);
    const id = versions.add(new Uint8Array([9, 9]), "h1", 400)!;
    expect(versions.schedule()).toEqual({ lastVersionAt: 400, dueAt: null });
    versions.add(new Uint8Array([8]), "h2", 600);
    expect(versions.prune({ maxVersions: 1, maxBytes: 1_000 })).toEqual([id]);
    expect(versions.pendingSnapshot(id)).toBeNull();
    // Pruning does not move the schedule: the next version is still timed from the last taken.
    expect(versions.schedule().lastVersionAt).toBe(600);
  },
  "what it hands out is a copy": (make) => {
    const versions = make(countingIds());
    versions.noteUpdate("ann");
    const id = versions.add(new Uint8Array([1, 2]), "h1", 100)!;
    versions.get(id)!.editors.push("mallory");
    versions.pendingSnapshot(id)![0] = 7;
    expect(versions.get(id)!.editors).toEqual(["ann"]);
    expect(versions.pendingSnapshot(id)).toEqual(new Uint8Array([1, 2]));
  },
};
