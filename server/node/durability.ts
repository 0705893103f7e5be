import { closeSync, fdatasyncSync, fsync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { SqlDatabase } from "../../persistence/sql.ts";
import type { Durability } from "../../rooms/engine/ports.ts";

/**
 * Durability of a room's SQLite file on Node, with group commit. The file runs in WAL mode with
 * synchronous = NORMAL (sqliteFile.ts): a commit returns once it is in the write-ahead log, which
 * survives a crash of the process (SIGKILL) but not yet a power cut. Durable means the log is on
 * disk: `sync()` and `afterDurable` wait for an fdatasync of the log, run off the event loop, which
 * covers every commit made before it started. Acknowledgements queued while one runs wait for the
 * next, so many commits share one fsync (the document engine's GroupCommit groups writes around
 * `sync()`, as it does around workerd's). Acknowledgements queued inside a transaction wait for its
 * outermost commit, and are dropped if it rolls back: nothing was saved, so nothing is acknowledged.
 */
export function nodeDurability(database: SqlDatabase, databasePath: string): { db: SqlDatabase; durability: Durability; close(): void } {
  let depth = 0;
  let inTransaction: (() => void)[] = [];
  const log = new WalSync(`${databasePath}-wal`);
  const db: SqlDatabase = {
    sql: database.sql,
    transactionSync<T>(closure: () => T): T {
      depth += 1;
      let isCommitted = false;
      try {
        const result = database.transactionSync(closure);
        isCommitted = true;
        return result;
      } finally {
        depth -= 1;
        if (depth === 0) {
          const sends = inTransaction;
          inTransaction = [];
          if (isCommitted) for (const send of sends) log.afterNextSync(send);
        }
      }
    },
  };
  const durability: Durability = {
    sync: () => new Promise<void>((resolve) => log.afterNextSync(resolve)),
    afterDurable(send) {
      if (depth > 0) inTransaction.push(send);
      else log.afterNextSync(send);
    },
  };
  return { db, durability, close: () => log.close() };
}

/** One fdatasync of the write-ahead log at a time; callbacks run after a sync that started after they were queued. */
class WalSync {
  readonly #path: string;
  #fd: number | null = null;
  #waiting: (() => void)[] = [];
  #isSyncing = false;
  #isClosed = false;

  constructor(path: string) {
    this.#path = path;
  }

  afterNextSync(callback: () => void): void {
    this.#waiting.push(callback);
    if (!this.#isSyncing) this.#sync();
  }

  close(): void {
    this.#isClosed = true;
    // A last sync, so nothing acknowledged later depends on a sync that never ran.
    if (this.#fd !== null) {
      try {
        fdatasyncSync(this.#fd);
      } finally {
        closeSync(this.#fd);
        this.#fd = null;
      }
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const callback of waiting) callback();
  }

  #sync(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    const fd = this.#isClosed ? null : this.#open();
    if (fd === null) {
      // No log yet (nothing written since the file was opened) or closed (synced at close): nothing to wait for.
      queueMicrotask(() => this.#finish(batch));
      return;
    }
    this.#isSyncing = true;
    fsync(fd, (error) => {
      if (error) console.error(JSON.stringify({ event: "wal_sync_failed", path: this.#path, error: String(error) }));
      this.#isSyncing = false;
      // A failed sync acknowledges nothing: its callbacks wait for the next one.
      if (error) this.#waiting.unshift(...batch);
      else this.#finish(batch);
      if (this.#waiting.length > 0 && !error) this.#sync();
      else if (this.#waiting.length > 0) setTimeout(() => !this.#isSyncing && this.#sync(), 100);
    });
  }

  #finish(batch: (() => void)[]): void {
    for (const callback of batch) callback();
  }

  #open(): number | null {
    if (this.#fd !== null) return this.#fd;
    try {
      this.#fd = openSync(this.#path, "r");
    } catch {
      return null;
    }
    // The log file's name in its folder must survive a power cut too: sync the folder once.
    try {
      const folder = openSync(dirname(this.#path), "r");
      fdatasyncSync(folder);
      closeSync(folder);
    } catch {
      // Some filesystems refuse to sync a folder; the log's own sync still holds.
    }
    return this.#fd;
  }
}
