import { expect } from "vitest";
import { addColumnIfMissing, migrate, MIGRATION_TABLE, STORE_NAMES, type MigrationStep, type StoreName } from "./migrate.ts";
import type { SqlExec } from "./sql.ts";

type Schemas = Readonly<Record<StoreName, readonly MigrationStep[]>>;

/**
 * How every store's migrations behave on a SQLite, given an empty database (no tables of ours) and
 * every store's list (rooms/roomSchemas.ts). Run on node:sqlite in Node (rooms/roomSchemas.test.ts)
 * and on DO SQLite inside workerd (test/workers/roomSchemas.test.ts).
 */
export const migrateContract: Record<string, (sql: SqlExec, schemas: Schemas) => void> = {
  "records each store's step count, and a second run changes nothing": (sql, schemas) => {
    migrateAll(sql, schemas);
    const recorded = sql.exec<{ store: string; steps: number }>(`SELECT store, steps FROM ${MIGRATION_TABLE} ORDER BY store`).toArray();
    expect(recorded).toEqual(Object.entries(schemas).map(([store, steps]) => ({ store, steps: steps.length })).sort((a, b) => a.store.localeCompare(b.store)));
    const before = schema(sql);
    migrateAll(sql, schemas);
    expect(schema(sql)).toEqual(before);
  },
  "a database the constructors made before the lists existed keeps its schema, gains only later steps, its rows kept": (sql, schemas) => {
    // What each store's constructor ran before: step 1, statement by statement, and no record.
    for (const steps of Object.values(schemas)) for (const statement of steps[0] ?? []) runLikeTheOldConstructor(sql, statement);
    sql.exec("INSERT INTO room_meta (key, value) VALUES ('created_at', '123')");
    sql.exec("INSERT INTO doc_update_log (data) VALUES (?)", new Uint8Array([1, 2]));
    const before = schema(sql);
    migrateAll(sql, schemas);
    const after = schema(sql);
    const names = new Set(before.map((s) => s.name));
    expect(after.filter((s) => names.has(s.name))).toEqual(before);
    // Whatever is new is made by a step after the first (e.g. doc_store's snapshot state vector).
    const laterSteps = Object.values(schemas).flatMap((steps) => steps.slice(1).flat()).filter((statement) => typeof statement === "string").join("\n");
    for (const added of after.filter((s) => !names.has(s.name) && s.name !== MIGRATION_TABLE)) expect(laterSteps).toContain(String(added.name));
    expect(sql.exec<{ value: string }>("SELECT value FROM room_meta").toArray()).toEqual([{ value: "123" }]);
    expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM doc_update_log").one().n).toBe(1);
  },
  "a room from before the late columns gets them, its rows kept": (sql, schemas) => {
    sql.exec(`CREATE TABLE game_match (
      id TEXT PRIMARY KEY, seed INTEGER NOT NULL, version TEXT NOT NULL, players TEXT NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER, final_tick INTEGER, result TEXT)`);
    sql.exec("INSERT INTO game_match (id, seed, version, players, started_at) VALUES ('old', 1, '1', '[]', 5)");
    sql.exec("CREATE TABLE mm_reservation (id INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL, expires_at INTEGER NOT NULL)");
    migrateAll(sql, schemas);
    expect(columns(sql, "game_match")).toEqual(expect.arrayContaining(["final_hash", "end_reason", "replay_stored_at"]));
    expect(columns(sql, "mm_reservation")).toContain("sub");
    expect(sql.exec<{ id: string; final_hash: string | null }>("SELECT id, final_hash FROM game_match").toArray()).toEqual([{ id: "old", final_hash: null }]);
  },
  // Every b-tree is at least a page on disk in every room: a rowid table keyed by TEXT is two (the
  // table and its primary key's index), a WITHOUT ROWID one is one.
  "the record is one b-tree, a page per room": (sql, schemas) => {
    migrateAll(sql, schemas);
    const trees = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE tbl_name = ? ORDER BY name", MIGRATION_TABLE).toArray();
    expect(trees).toEqual([{ name: MIGRATION_TABLE }]);
  },
  "a record made as a rowid table, as rooms stored before it took one b-tree have it, is read and kept": (sql, schemas) => {
    sql.exec(`CREATE TABLE ${MIGRATION_TABLE} (store TEXT PRIMARY KEY, steps INTEGER NOT NULL)`);
    migrateAll(sql, schemas);
    const before = schema(sql);
    sql.exec(`INSERT OR REPLACE INTO ${MIGRATION_TABLE} (store, steps) VALUES ('telemetry', 1)`);
    migrate(sql, "telemetry", [["CREATE TABLE IF NOT EXISTS probe (a INTEGER)"], ["CREATE TABLE IF NOT EXISTS probe2 (a INTEGER)"]]);
    expect(columns(sql, "probe2")).toEqual(["a"]);
    expect(sql.exec<{ steps: number }>(`SELECT steps FROM ${MIGRATION_TABLE} WHERE store = 'telemetry'`).one().steps).toBe(2);
    expect(sql.exec<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_autoindex_${MIGRATION_TABLE}_1'`).one().n).toBe(1);
    expect(schema(sql).filter((s) => !String(s.name).startsWith("probe"))).toEqual(before);
  },
  "a step appended later runs once": (sql) => {
    const first = [["CREATE TABLE IF NOT EXISTS probe (a INTEGER)"]] as const;
    const second = [...first, ["ALTER TABLE probe ADD COLUMN b TEXT"]] as const;
    migrate(sql, "telemetry", first);
    migrate(sql, "telemetry", second);
    migrate(sql, "telemetry", second); // a second ADD COLUMN would throw
    expect(columns(sql, "probe")).toEqual(["a", "b"]);
  },
  "refuses a database migrated further than the code knows": (sql) => {
    migrate(sql, "telemetry", [["CREATE TABLE IF NOT EXISTS probe (a INTEGER)"], ["CREATE TABLE IF NOT EXISTS probe2 (a INTEGER)"]]);
    expect(() => migrate(sql, "telemetry", [["CREATE TABLE IF NOT EXISTS probe (a INTEGER)"]])).toThrow(/2 migration steps, this code knows 1/);
  },
};

function migrateAll(sql: SqlExec, schemas: Schemas): void {
  for (const store of STORE_NAMES) migrate(sql, store, schemas[store]);
}

function runLikeTheOldConstructor(sql: SqlExec, statement: MigrationStep[number]): void {
  if (typeof statement === "string") sql.exec(statement);
  else addColumnIfMissing(sql, statement.addColumn.table, statement.addColumn.column, statement.addColumn.type);
}

/** Our tables and indexes as SQLite records them (SQLite's own, the runtime's and the record left out). */
function schema(sql: SqlExec) {
  return sql
    .exec("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != ? ORDER BY name", MIGRATION_TABLE)
    .toArray();
}

function columns(sql: SqlExec, table: string): string[] {
  return sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray().map((c) => c.name);
}
