/**
 * The SQL every room store runs through: the part of a Durable Object's `SqlStorage` the stores
 * use, and nothing more, so `ctx.storage.sql` is one as it is (no wrapper on the hot path) and a
 * Node process backs the same stores with `node:sqlite` (nodeSqlite.ts, which only Node code imports).
 */

/** A value a statement binds. Blobs go in as Uint8Array. */
export type SqlValue = string | number | null | Uint8Array;

/** A column's value as it comes back; blobs as an ArrayBuffer (what DO SQLite returns; nodeSqlite converts). */
export type SqlColumnValue = string | number | null | ArrayBuffer;

/** The rows of one statement, already run. */
export interface SqlRows<Row> {
  toArray(): Row[];
  /** The only row; throws when there are none or several. */
  one(): Row;
}

export interface SqlExec {
  /** Runs one statement now (rows or not), every `?` bound in order. */
  exec<Row extends Record<string, SqlColumnValue> = Record<string, SqlColumnValue>>(query: string, ...bindings: SqlValue[]): SqlRows<Row>;
  /** Bytes the database takes on disk. */
  readonly databaseSize: number;
}

/**
 * A database: statements, and a closure run as one transaction. A Durable Object's
 * `ctx.storage` is one as it is; nodeSqlite() makes one of a node:sqlite database.
 */
export interface SqlDatabase {
  readonly sql: SqlExec;
  /** Runs `closure` atomically: every write in it, or none when it throws. Nests. */
  transactionSync<T>(closure: () => T): T;
}
