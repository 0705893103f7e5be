import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { docVersionsContract } from "../../persistence/docVersions.contract.ts";
import { SqliteDocVersions, SqliteOutbox } from "../../persistence/index.ts";
import { outboxContract } from "../../persistence/outbox.contract.ts";

// Durable Objects nobody opened as a room: their outbox and version tables are empty.
describe("SqliteOutbox on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(outboxContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`outbox-contract-${n++}`), (_room, state) => check(new SqliteOutbox(state.storage.sql))));
  }
});

describe("SqliteDocVersions on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(docVersionsContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`doc-versions-contract-${n++}`), (_room, state) => check((random) => new SqliteDocVersions(state.storage.sql, random))));
  }
});
