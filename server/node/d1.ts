import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

/**
 * The part of D1's API the service uses (leaderboards, the room directory, users' event hooks),
 * over one node:sqlite database: prepare/bind/first/all/run/raw, batch as one transaction, exec.
 * A D1 call is async and so is this, so code written for D1 runs unchanged. Node only.
 */
export function nodeD1(db: DatabaseSync): D1Database {
  const statements = new Map<string, StatementSync>();
  const compiled = (query: string): StatementSync => {
    let statement = statements.get(query);
    if (!statement) statements.set(query, (statement = db.prepare(query)));
    return statement;
  };
  const prepare = (query: string): D1PreparedStatement => boundStatement(compiled, query, []);
  const d1 = {
    prepare,
    async batch<T = unknown>(list: D1PreparedStatement[]): Promise<D1Result<T>[]> {
      // D1 runs a batch as one transaction: all of it or none of it.
      db.exec("BEGIN IMMEDIATE");
      try {
        const results = list.map((statement) => runNow(statement) as D1Result<T>);
        db.exec("COMMIT");
        return results;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
    async exec(query: string): Promise<D1ExecResult> {
      const started = performance.now();
      db.exec(query);
      return { count: query.split(";").filter((part) => part.trim() !== "").length, duration: performance.now() - started };
    },
    withSession: () => d1,
    dump: async () => {
      throw new Error("dump is not supported by the Node adapter's D1");
    },
  };
  return d1 as unknown as D1Database;
}

/** Statements made by boundStatement carry this, so batch can run them synchronously. */
const RUN_NOW = Symbol("runNow");

function runNow(statement: D1PreparedStatement): D1Result {
  const run = (statement as unknown as { [RUN_NOW]?: () => D1Result })[RUN_NOW];
  if (!run) throw new Error("batch takes only statements of this database");
  return run();
}

type Bindable = string | number | boolean | null | ArrayBuffer | ArrayBufferView | bigint;

function toInput(value: unknown): SQLInputValue {
  if (value === undefined) throw new TypeError("D1_TYPE_ERROR: undefined cannot be bound; use null");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return value as SQLInputValue;
}

/** node:sqlite hands back bigints only when asked and blobs as Uint8Array; D1 gives arrays of bytes as ArrayBuffer too. */
function toOutput(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) out[name] = value instanceof Uint8Array ? Array.from(value) : value;
  return out;
}

/** `columns()` exists in the pinned Node 22 (since 22.16) but not yet in its @types/node. */
const columnsOf = (statement: StatementSync): { name: string }[] => (statement as unknown as { columns(): { name: string }[] }).columns();

const meta = (changes: number, lastRowId: number, started: number) => ({
  duration: performance.now() - started,
  changes,
  last_row_id: lastRowId,
  changed_db: changes > 0,
  size_after: 0,
  rows_read: 0,
  rows_written: changes,
});

function boundStatement(compiled: (query: string) => StatementSync, query: string, values: Bindable[]): D1PreparedStatement {
  const inputs = () => values.map(toInput);
  const isReader = () => columnsOf(compiled(query)).length > 0;
  const execute = (): D1Result => {
    const started = performance.now();
    const statement = compiled(query);
    if (isReader()) {
      const rows = statement.all(...inputs()).map(toOutput);
      return { results: rows, success: true, meta: meta(0, 0, started) } as D1Result;
    }
    const outcome = statement.run(...inputs());
    return { results: [], success: true, meta: meta(Number(outcome.changes), Number(outcome.lastInsertRowid), started) } as D1Result;
  };
  const statement = {
    [RUN_NOW]: execute,
    bind: (...next: Bindable[]) => boundStatement(compiled, query, next),
    async first(column?: string) {
      const row = compiled(query).all(...inputs()).map(toOutput)[0];
      if (!row) return null;
      if (column === undefined) return row;
      if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
      return row[column];
    },
    async all() {
      return execute();
    },
    async run() {
      return execute();
    },
    async raw(options?: { columnNames?: boolean }) {
      const prepared = compiled(query);
      const rows = prepared.all(...inputs()).map((row) => Object.values(toOutput(row)));
      return options?.columnNames ? [columnsOf(prepared).map((column) => column.name), ...rows] : rows;
    },
  };
  return statement as unknown as D1PreparedStatement;
}

/** Applies each of D1's migration files once, in name order, recording it as wrangler's d1_migrations table does. */
export function applyMigrations(db: DatabaseSync, folder: string): void {
  db.exec("CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)");
  const applied = new Set((db.prepare("SELECT name FROM d1_migrations").all() as { name: string }[]).map((row) => row.name));
  for (const name of readdirSync(folder).filter((file) => file.endsWith(".sql")).sort()) {
    if (applied.has(name)) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(readFileSync(join(folder, name), "utf8"));
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").run(name);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}
