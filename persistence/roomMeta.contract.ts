import { expect } from "vitest";
import type { RoomMetaStore } from "./roomMeta.ts";

/**
 * The behaviour every RoomMetaStore must have. Each case gets a fresh, empty store: the memory twin
 * runs these in Node (roomMeta.test.ts), SqliteRoomMetaStore on node:sqlite in Node (nodeSqlite.test.ts)
 * and on DO SQLite inside workerd (test/workers/sqliteRoomMeta.test.ts).
 */
export const roomMetaContract: Record<string, (store: RoomMetaStore) => void> = {
  "starts empty": (store) => {
    expect(store.get("created_at")).toBeNull();
    expect(store.get("locked")).toBeNull();
  },
  "set replaces a key's value and leaves the others": (store) => {
    store.set("locked", "true");
    store.set("locked", "false");
    store.set("location_hint", "weur");
    expect(store.get("locked")).toBe("false");
    expect(store.get("location_hint")).toBe("weur");
    expect(store.get("created_at")).toBeNull();
  },
  "setIfAbsent keeps the first value and returns what is stored": (store) => {
    expect(store.setIfAbsent("created_at", "100")).toBe("100");
    expect(store.setIfAbsent("created_at", "200")).toBe("100");
    expect(store.get("created_at")).toBe("100");
    store.set("created_at", "300");
    expect(store.setIfAbsent("created_at", "400")).toBe("300");
  },
};
