// Direct imports, not persistence/index.ts: the room core (rooms/engine/) reaches no Workers-only store.
import { MIGRATION_TABLE } from "../persistence/migrate.ts";
import type { SqlExec } from "../persistence/sql.ts";
import type { ArchivePort } from "./engine/ports.ts";

/** Keys one R2 list or delete call takes at most: R2's own limit per call. */
export const PURGE_R2_PAGE_KEYS = 1_000;

/**
 * R2 objects one admin DELETE removes at most: 5 pages, so at most 11 R2 calls, well inside one
 * request's subrequest budget. A room with more (years of replays) answers `isComplete: false`
 * and keeps its rows, so the operator's next DELETE finds it and goes on where this one stopped.
 */
export const PURGE_MAX_R2_OBJECTS_PER_REQUEST = 5_000;

/** What an admin DELETE removed, and what it leaves on purpose. */
export interface PurgeReport {
  /** False when R2 objects remain past the per-request bound: send DELETE again. */
  isComplete: boolean;
  removed: { r2Objects: number; r2Bytes: number; directoryRows: number; sqliteRows: number };
  kept: string[];
}

/** Rows a room delete leaves, and why. */
export const PURGE_KEEPS = ["leaderboard entries: they belong to the players, not to the room"];

/** Deletes up to `maxObjects` objects under `prefix`, a page at a time; says whether none remain. */
export async function deleteR2Prefix(bucket: ArchivePort, prefix: string, maxObjects: number): Promise<{ objects: number; bytes: number; isComplete: boolean }> {
  let objects = 0;
  let bytes = 0;
  while (objects < maxObjects) {
    const page = await bucket.list({ prefix, limit: Math.min(PURGE_R2_PAGE_KEYS, maxObjects - objects) });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
    objects += page.objects.length;
    bytes += page.objects.reduce((sum, o) => sum + o.size, 0);
    if (!page.truncated) return { objects, bytes, isComplete: true };
  }
  const rest = await bucket.list({ prefix, limit: 1 });
  return { objects, bytes, isComplete: rest.objects.length === 0 };
}

/** Rows in every table of a room's DO SQLite but the migration record (names come from its catalog, never from a request). */
export function countSqliteRows(sql: SqlExec): number {
  const tables = sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != ?", MIGRATION_TABLE)
    .toArray();
  return tables.reduce((sum, { name }) => sum + sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).one().n, 0);
}
