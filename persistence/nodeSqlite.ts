import type { DatabaseSync, SQLOutputValue, StatementSync } from "node:sqlite";
import type { SqlColumnValue, SqlDatabase, SqlExec, SqlRows, SqlValue } from "./sql.ts";

/**
 * The room stores on Node 22's `node:sqlite`, with the semantics of DO SQLite's that they rely on:
 * a statement runs when `exec` is called, blobs come back as ArrayBuffer, `one()` insists on one row,
 * and `transactionSync` nests (savepoints). Only Node code imports this file: the Worker's import
 * graph never reaches it (test/node/boundaries.test.ts), so `node:sqlite` stays out of the Workers build.
 */
export function nodeSqlite(db: DatabaseSync): SqlDatabase {
  const statements = new Map<string, StatementSync>();
  const sql: SqlExec = {
    exec<Row extends Record<string, SqlColumnValue>>(query: string, ...bindings: SqlValue[]): SqlRows<Row> {
      let statement = statements.get(query);
      if (!statement) statements.set(query, (statement = db.prepare(query)));
      // Row's shape is the caller's claim about its own query, as with DO's exec<Row>.
      const rows = statement.all(...bindings).map(toColumnValues) as Row[];
      return {
        toArray: () => rows,
        one: () => {
          if (rows.length !== 1) throw new Error(`expected exactly one row, got ${rows.length}`);
          return rows[0]!;
        },
      };
    },
    get databaseSize() {
      return sql.exec<{ bytes: number }>("SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()").one().bytes;
    },
  };
  let depth = 0;
  return {
    sql,
    transactionSync<T>(closure: () => T): T {
      const savepoint = `tx_${depth}`;
      db.exec(`SAVEPOINT ${savepoint}`);
      depth += 1;
      try {
        const result = closure();
        db.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
        throw error;
      } finally {
        depth -= 1;
      }
    },
  };
}

function toColumnValues(row: Record<string, SQLOutputValue>): Record<string, SqlColumnValue> {
  const out: Record<string, SqlColumnValue> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value instanceof Uint8Array) out[name] = value.slice().buffer;
    else if (typeof value === "bigint") out[name] = Number(value);
    else out[name] = value;
  }
  return out;
}
