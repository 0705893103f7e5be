import { expect } from "vitest";
import type { DocStore } from "./docStore.ts";

/**
 * The behaviour every DocStore must have. Each case gets a fresh, empty store; the
 * in-memory store runs these in Node, the SQLite store inside workerd.
 */
export const docStoreContract: Record<string, (store: DocStore) => void> = {
  "starts empty": (store) => {
    expect(store.load()).toEqual({ snapshot: null, updates: [] });
    expect(store.stats()).toEqual({ logUpdates: 0, logBytes: 0, snapshotBytes: 0, lastCompactedAt: null });
  },
  "returns appended updates in order, byte for byte": (store) => {
    store.appendUpdate(new Uint8Array([1, 2, 3]));
    store.appendUpdate(new Uint8Array([4]));
    expect(store.load().updates.map((u) => [...u])).toEqual([[1, 2, 3], [4]]);
    expect(store.stats()).toMatchObject({ logUpdates: 2, logBytes: 4 });
  },
  "compaction replaces the log with the snapshot": (store) => {
    store.appendUpdate(new Uint8Array([1]));
    store.compact(new Uint8Array([9, 9]));
    const loaded = store.load();
    expect([...(loaded.snapshot ?? [])]).toEqual([9, 9]);
    expect(loaded.updates).toEqual([]);
    expect(store.stats()).toMatchObject({ logUpdates: 0, logBytes: 0, snapshotBytes: 2 });
    expect(store.stats().lastCompactedAt).toBeTypeOf("number");
  },
  "keeps updates appended after a compaction": (store) => {
    store.compact(new Uint8Array([7]));
    store.appendUpdate(new Uint8Array([8]));
    const loaded = store.load();
    expect([...(loaded.snapshot ?? [])]).toEqual([7]);
    expect(loaded.updates.map((u) => [...u])).toEqual([[8]]);
  },
  "stores a snapshot larger than one SQLite value (2 MB)": (store) => {
    const big = new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => i % 251);
    store.compact(big);
    const loaded = store.load().snapshot;
    expect(loaded?.byteLength).toBe(big.byteLength);
    expect(loaded?.[big.byteLength - 1]).toBe(big[big.byteLength - 1]);
    expect(loaded?.[2 * 1024 * 1024 + 5]).toBe(big[2 * 1024 * 1024 + 5]);
  },
  "does not keep a reference to the caller's buffer": (store) => {
    const update = new Uint8Array([5, 5]);
    store.appendUpdate(update);
    update[0] = 0;
    expect([...store.load().updates[0]!]).toEqual([5, 5]);
  },
};
