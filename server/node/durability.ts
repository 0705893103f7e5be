import type { SqlDatabase } from "../../persistence/sql.ts";
import type { Durability } from "../../rooms/engine/ports.ts";

/**
 * Durability on node:sqlite (opened with synchronous = FULL, sqliteFile.ts): a write is on disk once
 * its commit has returned. A write outside any transaction commits as it runs; inside one, the
 * acknowledgements wait for the outermost transaction to commit, and are dropped if it rolls back
 * (nothing was saved, so nothing may be acknowledged).
 */
export function nodeDurability(database: SqlDatabase): { db: SqlDatabase; durability: Durability } {
  let depth = 0;
  let waiting: (() => void)[] = [];
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
          const sends = waiting;
          waiting = [];
          if (isCommitted) for (const send of sends) queueMicrotask(send);
        }
      }
    },
  };
  const durability: Durability = {
    sync: async () => {},
    afterDurable(send) {
      if (depth > 0) waiting.push(send);
      else queueMicrotask(send);
    },
  };
  return { db, durability };
}
