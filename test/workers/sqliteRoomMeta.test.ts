import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { SqliteRoomMetaStore } from "../../persistence/index.ts";
import { roomMetaContract } from "../../persistence/roomMeta.contract.ts";

// A Durable Object nobody opened as a room: its room_meta table is empty.
describe("SqliteRoomMetaStore on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(roomMetaContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`room-meta-contract-${n++}`), (_room, state) => check(new SqliteRoomMetaStore(state.storage.sql))));
  }
});
