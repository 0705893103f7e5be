import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { directoryStateContract } from "../../persistence/directoryState.contract.ts";
import { docVersionsContract } from "../../persistence/docVersions.contract.ts";
import { SqliteDirectoryState, SqliteDocVersions, SqliteOutbox, SqliteRoomCounters } from "../../persistence/index.ts";
import { outboxContract } from "../../persistence/outbox.contract.ts";
import { roomCountersContract } from "../../persistence/roomCounters.contract.ts";

// Durable Objects nobody opened as a room: their outbox, version, counter and directory tables are empty.
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

describe("SqliteRoomCounters on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(roomCountersContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`room-counters-contract-${n++}`), (_room, state) => check(new SqliteRoomCounters(state.storage.sql))));
  }
});

describe("SqliteDirectoryState on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(directoryStateContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`directory-state-contract-${n++}`), (_room, state) => check(new SqliteDirectoryState(state.storage.sql))));
  }
});
