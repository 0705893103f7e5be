import { DatabaseSync } from "node:sqlite";

/**
 * Opens a SQLite file as every database of the Node adapter is opened: write-ahead log, and
 * synchronous = FULL, so a commit has reached the disk when it returns (what afterDurable relies on:
 * an acknowledgement sent after the commit returned survives a crash, SIGKILL or power loss).
 */
export function openSqliteFile(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  return db;
}
