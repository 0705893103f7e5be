import { expect } from "vitest";
import type { RoomCounterStore } from "./roomCounters.ts";

/**
 * The behaviour every RoomCounterStore must have. Each case gets a fresh, empty store: the memory twin
 * runs these in Node (roomCounters.test.ts), SqliteRoomCounters on node:sqlite in Node
 * (nodeSqlite.test.ts) and on DO SQLite inside workerd (test/workers/sqliteStores.test.ts).
 */
export const roomCountersContract: Record<string, (store: RoomCounterStore) => void> = {
  "starts with no counters": (store) => {
    expect(store.all()).toEqual(new Map());
    store.add(new Map());
    expect(store.all()).toEqual(new Map());
  },
  "adds deltas to what is there, counter by counter": (store) => {
    store.add(new Map([["messages_in", 3], ["refused:rate_limited", 1]]));
    store.add(new Map([["messages_in", 2], ["bytes_in", 4_000_000_000]]));
    expect(store.all()).toEqual(new Map([["messages_in", 5], ["refused:rate_limited", 1], ["bytes_in", 4_000_000_000]]));
  },
  "what it hands out is a copy": (store) => {
    store.add(new Map([["tick_overruns", 1]]));
    store.all().set("tick_overruns", 99);
    expect(store.all().get("tick_overruns")).toBe(1);
  },
};
