import { DatabaseSync } from "node:sqlite";

/**
 * Opens a SQLite file as every database of the Node adapter is opened: write-ahead log, and
 * synchronous = FULL (a commit is on disk when it returns) unless the caller syncs the log itself:
 * rooms open theirs with NORMAL and wait for an fsync of the log before any acknowledgement
 * (durability.ts), so one fsync carries many commits.
 */
export function openSqliteFile(path: string, synchronous: "FULL" | "NORMAL" = "FULL"): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec("PRAGMA busy_timeout = 5000");
  return db;
}

/**
 * Empties a database at once, as a Durable Object's `storage.deleteAll()` does: every table, index,
 * view and trigger is dropped in one transaction, so writes made right after land in an empty
 * database (an admin delete writes its undelivered events back that way).
 */
export function eraseSqlite(db: DatabaseSync): void {
  const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'view')").all() as { type: string; name: string }[];
  db.exec("BEGIN IMMEDIATE");
  try {
    // Dropping a table drops its indexes and triggers with it.
    for (const { type, name } of objects) db.exec(`DROP ${type === "view" ? "VIEW" : "TABLE"} IF EXISTS "${name.replaceAll('"', '""')}"`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
