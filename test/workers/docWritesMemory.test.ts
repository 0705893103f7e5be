import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MemoryDocStore, SqliteDocVersions, SqliteOutbox } from "../../persistence/index.ts";
import { DocHistory } from "../../rooms/doc/docHistory.ts";
import { DocWrites } from "../../rooms/doc/docWrites.ts";
import { LazyDoc } from "../../rooms/doc/lazyDoc.ts";

// DocWrites takes the DocStore interface, so the memory twin is a store it can write through
// (on main it took SqliteDocStore, which `#private` made nominal: this file did not compile).
describe("DocWrites on the memory DocStore", () => {
  it("writes the room's own edits and compacts into the memory store, which loads them back", async () => {
    const store = new MemoryDocStore();
    const loaded = await runInDurableObject(env.DocRoom.getByName("doc-writes-memory"), (_room, state) => {
      const doc = new Y.Doc();
      const history = new DocHistory(state.storage, env.ARCHIVE, { now: () => Date.now(), elapsedMs: () => performance.now() }, "doc-writes-memory", LazyDoc.built(doc), { versions: new SqliteDocVersions(state.storage.sql, { uuid: () => crypto.randomUUID() }), outbox: new SqliteOutbox(state.storage.sql) }, () => {});
      const relayed: Uint8Array[] = [];
      const writes = new DocWrites(LazyDoc.built(doc), store, history, { sync: () => state.storage.sync(), afterDurable: (send) => send() }, { relay: (frame) => relayed.push(frame), saved: () => {}, commitFailed: (error) => { throw error; } });
      doc.transact(() => doc.getText("t").insert(0, "hello"), "import");
      expect(store.stats().logUpdates).toBe(1);
      expect(relayed).toHaveLength(1);
      writes.compact();
      doc.transact(() => doc.getText("t").insert(5, " world"), "import");
      return store.load();
    });
    expect(store.stats()).toMatchObject({ logUpdates: 1 });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.snapshot!);
    for (const update of loaded.updates) Y.applyUpdate(copy, update);
    expect(copy.getText("t").toString()).toBe("hello world");
  });
});
