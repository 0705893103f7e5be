import type { SqlExec } from "./sql.ts";

/**
 * One store's schema as an ordered list of steps, each a list of statements. `migrate` runs the
 * steps a database has not had yet and records how many it has had, per store, in `schema_migration`;
 * DO SQLite and node:sqlite share the lists.
 *
 * Step 1 of every store is the DDL its constructor ran before this list existed, every statement
 * idempotent (CREATE ... IF NOT EXISTS, INSERT OR IGNORE, addColumn): rooms stored before the list
 * have the tables but no record, so step 1 runs on them again and changes nothing. A later step runs
 * once per database (the record says so), so it may ALTER freely: append steps, never edit one.
 */
export type MigrationStatement = string | AddColumn;
export type MigrationStep = readonly MigrationStatement[];

/** A column that rooms made before it existed lack: added only where missing (ADD COLUMN has no IF NOT EXISTS). */
export interface AddColumn {
  readonly addColumn: { readonly table: string; readonly column: string; readonly type: string };
}

export function addColumn(table: string, column: string, type: string): AddColumn {
  return { addColumn: { table, column, type } };
}

/** The bookkeeping table; purge's row count leaves it out, as it does SQLite's own. */
export const MIGRATION_TABLE = "schema_migration";

/**
 * WITHOUT ROWID: the table is its primary key's b-tree, one page in every room's database where a
 * rowid table keyed by TEXT takes two (the table and an index). Rooms that made the record before keep
 * theirs as it is (IF NOT EXISTS); both forms take the same statements.
 */
const CREATE_MIGRATION_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATION_TABLE} (store TEXT PRIMARY KEY, steps INTEGER NOT NULL) WITHOUT ROWID`;

/** Stores that keep a schema in a room's (or the matchmaker's) database; each names its row in MIGRATION_TABLE. */
export const STORE_NAMES = [
  "doc_store", "doc_versions", "game_store", "room_meta", "outbox", "telemetry", "directory_report", "matchmaker",
] as const;
export type StoreName = (typeof STORE_NAMES)[number];

/**
 * Brings `store`'s tables up to the last step of `steps`. Cheap when they are there: one read.
 * Throws when the database has more steps than this code knows (a rollback to older code).
 */
export function migrate(sql: SqlExec, store: StoreName, steps: readonly MigrationStep[]): void {
  sql.exec(CREATE_MIGRATION_TABLE);
  const applied = sql.exec<{ steps: number }>(`SELECT steps FROM ${MIGRATION_TABLE} WHERE store = ?`, store).toArray()[0]?.steps ?? 0;
  if (applied > steps.length) throw new Error(`${store}: the database has ${applied} migration steps, this code knows ${steps.length}`);
  if (applied === steps.length) return;
  for (const step of steps.slice(applied)) for (const statement of step) run(sql, statement);
  sql.exec(`INSERT OR REPLACE INTO ${MIGRATION_TABLE} (store, steps) VALUES (?, ?)`, store, steps.length);
}

function run(sql: SqlExec, statement: MigrationStatement): void {
  if (typeof statement === "string") {
    sql.exec(statement);
    return;
  }
  const { table, column, type } = statement.addColumn;
  addColumnIfMissing(sql, table, column, type);
}

/** Runs an addColumn step. Identifiers come from a store's own list, never from a request. */
export function addColumnIfMissing(sql: SqlExec, table: string, column: string, type: string): void {
  const columns = sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray();
  if (!columns.some((c) => c.name === column)) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
