import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { directoryStateContract } from "./directoryState.contract.ts";
import { SqliteDirectoryState } from "./directoryState.ts";
import { docStoreContract } from "./docStore.contract.ts";
import { docVersionsContract } from "./docVersions.contract.ts";
import { SqliteDocVersions } from "./docVersions.ts";
import { gameStoreContract } from "./gameStore.contract.ts";
import { nodeSqlite } from "./nodeSqlite.ts";
import { outboxContract } from "./outbox.contract.ts";
import { SqliteOutbox } from "./outbox.ts";
import { roomCountersContract } from "./roomCounters.contract.ts";
import { SqliteRoomCounters } from "./roomCounters.ts";
import { roomMetaContract } from "./roomMeta.contract.ts";
import { SqliteRoomMetaStore } from "./roomMeta.ts";
import { SqliteDocStore } from "./sqliteDocStore.ts";
import { SqliteGameStore } from "./sqliteGameStore.ts";

const fresh = () => nodeSqlite(new DatabaseSync(":memory:"));

describe("SqliteDocStore on node:sqlite", () => {
  for (const [name, check] of Object.entries(docStoreContract)) it(name, () => check(new SqliteDocStore(fresh())));

  it("reads back sizes when the database is opened again", () => {
    const db = fresh();
    const store = new SqliteDocStore(db);
    store.compact(new Uint8Array(10));
    store.appendUpdate(new Uint8Array(3));
    expect(new SqliteDocStore(db).stats()).toMatchObject({ logUpdates: 1, logBytes: 3, snapshotBytes: 10 });
  });
});

describe("SqliteGameStore on node:sqlite", () => {
  for (const [name, check] of Object.entries(gameStoreContract)) it(name, () => check(new SqliteGameStore(fresh().sql)));
});

describe("SqliteRoomMetaStore on node:sqlite", () => {
  for (const [name, check] of Object.entries(roomMetaContract)) it(name, () => check(new SqliteRoomMetaStore(fresh().sql)));
});

describe("SqliteOutbox on node:sqlite", () => {
  for (const [name, check] of Object.entries(outboxContract)) it(name, () => check(new SqliteOutbox(fresh().sql)));
});

describe("SqliteDocVersions on node:sqlite", () => {
  for (const [name, check] of Object.entries(docVersionsContract)) it(name, () => check((random) => new SqliteDocVersions(fresh().sql, random)));
});

describe("SqliteRoomCounters on node:sqlite", () => {
  for (const [name, check] of Object.entries(roomCountersContract)) it(name, () => check(new SqliteRoomCounters(fresh().sql)));
});

describe("SqliteDirectoryState on node:sqlite", () => {
  for (const [name, check] of Object.entries(directoryStateContract)) it(name, () => check(new SqliteDirectoryState(fresh().sql)));
});

describe("nodeSqlite keeps DO SQLite's semantics the stores rely on", () => {
  it("runs a statement when exec is called, whether or not its rows are read", () => {
    const { sql } = fresh();
    sql.exec("CREATE TABLE t (a INTEGER, b BLOB)");
    sql.exec("INSERT INTO t (a, b) VALUES (?, ?)", 1, new Uint8Array([7, 8]));
    const row = sql.exec<{ a: number; b: ArrayBuffer }>("SELECT a, b FROM t").one();
    expect(row.a).toBe(1);
    expect(row.b).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(row.b)]).toEqual([7, 8]);
  });

  it("one() refuses no row and several rows", () => {
    const { sql } = fresh();
    sql.exec("CREATE TABLE t (a INTEGER)");
    expect(() => sql.exec("SELECT a FROM t").one()).toThrow(/exactly one row, got 0/);
    sql.exec("INSERT INTO t (a) VALUES (1), (2)");
    expect(() => sql.exec("SELECT a FROM t").one()).toThrow(/exactly one row, got 2/);
  });

  it("transactionSync keeps all or nothing, nested too", () => {
    const db = fresh();
    db.sql.exec("CREATE TABLE t (a INTEGER)");
    expect(() =>
      db.transactionSync(() => {
        db.sql.exec("INSERT INTO t (a) VALUES (1)");
        throw new Error("abort");
      }),
    ).toThrow("abort");
    db.transactionSync(() => {
      db.sql.exec("INSERT INTO t (a) VALUES (2)");
      expect(() => db.transactionSync(() => {
        db.sql.exec("INSERT INTO t (a) VALUES (3)");
        throw new Error("inner");
      })).toThrow("inner");
    });
    expect(db.sql.exec<{ a: number }>("SELECT a FROM t").toArray()).toEqual([{ a: 2 }]);
  });

  it("reports the database size", () => {
    const { sql } = fresh();
    const empty = sql.databaseSize;
    sql.exec("CREATE TABLE t (b BLOB)");
    sql.exec("INSERT INTO t (b) VALUES (?)", new Uint8Array(100_000));
    expect(sql.databaseSize).toBeGreaterThan(empty + 90_000);
  });
});
