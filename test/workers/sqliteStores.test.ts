import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { sqliteStoresContract } from "../../persistence/sqliteStores.contract.ts";

// A Durable Object nobody opened as a room: its outbox and version tables are empty.
describe("the SQLite-only room stores on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(sqliteStoresContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`sqlite-stores-${n++}`), (_room, state) => check(state.storage.sql)));
  }
});
