import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { gameStoreContract } from "../../persistence/gameStore.contract.ts";
import { SqliteGameStore } from "../../persistence/index.ts";

// Any SQLite-backed object will do: the store makes its own tables beside the room's.
describe("SqliteGameStore on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(gameStoreContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`game-store-contract-${n++}`), (_room, state) => check(new SqliteGameStore(state.storage.sql))));
  }
});
