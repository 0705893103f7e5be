import type { DocStore, DocStoreStats } from "./docStore.ts";
import { migrate } from "./migrate.ts";
import type { SqlDatabase } from "./sql.ts";

/**
 * DocStore on a Durable Object's SQLite database.
 *
 * Snapshots are split into chunks because DO SQLite refuses a value over 2 MB,
 * and a document may be up to DocLimits.MAX_DOCUMENT_BYTES.
 */
export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

export const DOC_STORE_MIGRATIONS = [
  [
    `CREATE TABLE IF NOT EXISTS doc_update_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      data BLOB NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS doc_snapshot_chunk (
      idx INTEGER PRIMARY KEY,
      data BLOB NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS doc_meta (
      key TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    )`,
  ],
  // The snapshot's state vector, written with it: a cold start's first sync reads this, not the snapshot.
  [
    `CREATE TABLE IF NOT EXISTS doc_snapshot_state_vector (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      data BLOB NOT NULL
    )`,
  ],
] as const;

export class SqliteDocStore implements DocStore {
  #logUpdates = 0;
  #logBytes = 0;
  #snapshotBytes = 0;
  #lastCompactedAt: number | null = null;

  constructor(
    private readonly storage: SqlDatabase,
    private readonly now: () => number = Date.now,
  ) {
    const sql = storage.sql;
    migrate(sql, "doc_store", DOC_STORE_MIGRATIONS);
    const log = sql.exec<{ n: number; bytes: number }>(
      "SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS bytes FROM doc_update_log",
    ).one();
    this.#logUpdates = log.n;
    this.#logBytes = log.bytes;
    this.#snapshotBytes = sql
      .exec<{ bytes: number }>("SELECT coalesce(sum(length(data)), 0) AS bytes FROM doc_snapshot_chunk")
      .one().bytes;
    const compacted = sql.exec<{ value: number }>("SELECT value FROM doc_meta WHERE key = 'last_compacted_at'").toArray();
    this.#lastCompactedAt = compacted[0]?.value ?? null;
  }

  load() {
    const sql = this.storage.sql;
    const chunks = sql
      .exec<{ data: ArrayBuffer }>("SELECT data FROM doc_snapshot_chunk ORDER BY idx")
      .toArray()
      .map((row) => new Uint8Array(row.data));
    const updates = sql
      .exec<{ data: ArrayBuffer }>("SELECT data FROM doc_update_log ORDER BY seq")
      .toArray()
      .map((row) => new Uint8Array(row.data));
    return { snapshot: chunks.length === 0 ? null : concat(chunks), updates };
  }

  snapshotStateVector(): Uint8Array | null {
    const row = this.storage.sql.exec<{ data: ArrayBuffer }>("SELECT data FROM doc_snapshot_state_vector WHERE id = 1").toArray()[0];
    return row ? new Uint8Array(row.data) : null;
  }

  appendUpdate(update: Uint8Array): void {
    this.storage.sql.exec("INSERT INTO doc_update_log (data) VALUES (?)", update);
    this.#logUpdates += 1;
    this.#logBytes += update.byteLength;
  }

  compact(snapshot: Uint8Array, stateVector?: Uint8Array): void {
    const now = this.now();
    this.storage.transactionSync(() => {
      const sql = this.storage.sql;
      sql.exec("DELETE FROM doc_snapshot_chunk");
      // Replaced with the snapshot, never left beside one it does not describe.
      sql.exec("DELETE FROM doc_snapshot_state_vector");
      if (stateVector) sql.exec("INSERT INTO doc_snapshot_state_vector (id, data) VALUES (1, ?)", stateVector);
      for (let offset = 0, idx = 0; offset < snapshot.byteLength; offset += SNAPSHOT_CHUNK_BYTES, idx++) {
        sql.exec(
          "INSERT INTO doc_snapshot_chunk (idx, data) VALUES (?, ?)",
          idx,
          snapshot.subarray(offset, offset + SNAPSHOT_CHUNK_BYTES),
        );
      }
      sql.exec("DELETE FROM doc_update_log");
      sql.exec("INSERT OR REPLACE INTO doc_meta (key, value) VALUES ('last_compacted_at', ?)", now);
    });
    this.#logUpdates = 0;
    this.#logBytes = 0;
    this.#snapshotBytes = snapshot.byteLength;
    this.#lastCompactedAt = now;
  }

  stats(): DocStoreStats {
    return {
      logUpdates: this.#logUpdates,
      logBytes: this.#logBytes,
      snapshotBytes: this.#snapshotBytes,
      lastCompactedAt: this.#lastCompactedAt,
    };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
