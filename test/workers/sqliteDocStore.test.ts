import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { docStoreContract } from "../../persistence/docStore.contract.ts";
import { SqliteDocStore } from "../../persistence/sqliteDocStore.ts";

describe("SqliteDocStore on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(docStoreContract)) {
    it(name, () =>
      runInDurableObject(env.DocRoom.getByName(`store-contract-${n++}`), (_room, state) => check(new SqliteDocStore(state.storage))),
    );
  }

  it("reads back sizes after the object restarts", async () => {
    const stub = env.DocRoom.getByName("store-restart");
    await runInDurableObject(stub, (_room, state) => {
      const store = new SqliteDocStore(state.storage);
      store.compact(new Uint8Array(10));
      store.appendUpdate(new Uint8Array(3));
    });
    await evictDurableObject(stub);
    const stats = await runInDurableObject(stub, (_room, state) => new SqliteDocStore(state.storage).stats());
    expect(stats).toMatchObject({ logUpdates: 1, logBytes: 3, snapshotBytes: 10 });
  });
});
