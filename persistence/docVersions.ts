import { migrate } from "./migrate.ts";
import type { SqlExec } from "./sql.ts";

/**
 * Version history of one collaboration document, kept in DO SQLite until each version's
 * snapshot is in R2 (its bytes wait here in chunks, as DO SQLite refuses values over 2 MB).
 * Editors who wrote since the last version are collected as updates arrive.
 */
export interface DocVersion {
  id: string;
  createdAt: number;
  bytes: number;
  editors: string[];
  isUploaded: boolean;
}

const CHUNK_BYTES = 1024 * 1024;

/** How many versions, and how many of their bytes, a room keeps. */
export interface VersionRetention {
  maxVersions: number;
  maxBytes: number;
}

/**
 * The versions to remove so the rest fit `retention`: the newest are kept while both bounds hold,
 * and everything older than the first one that does not fit goes (history has no gaps). The newest
 * version is always kept, even alone over the byte budget, so a document always has one.
 */
export function versionsToPrune(versions: readonly Pick<DocVersion, "id" | "bytes">[], retention: VersionRetention): string[] {
  let kept = 0;
  let keptBytes = 0;
  for (let i = versions.length - 1; i >= 0; i--) {
    const bytes = versions[i]!.bytes;
    if (kept > 0 && (kept >= retention.maxVersions || keptBytes + bytes > retention.maxBytes)) {
      return versions.slice(0, i + 1).map((v) => v.id);
    }
    kept += 1;
    keptBytes += bytes;
  }
  return [];
}

export const DOC_VERSIONS_MIGRATIONS = [
  [
    `CREATE TABLE IF NOT EXISTS doc_version (
      id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, bytes INTEGER NOT NULL,
      editors TEXT NOT NULL, is_uploaded INTEGER NOT NULL DEFAULT 0)`,
    "CREATE TABLE IF NOT EXISTS doc_version_chunk (version_id TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (version_id, idx))",
    "CREATE TABLE IF NOT EXISTS doc_version_editor (sub TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS doc_version_state (id INTEGER PRIMARY KEY CHECK (id = 1), updates_since INTEGER NOT NULL, last_hash TEXT)",
    "INSERT OR IGNORE INTO doc_version_state (id, updates_since, last_hash) VALUES (1, 0, NULL)",
    // Its own table rather than new columns, so rooms written before it need no ALTER.
    "CREATE TABLE IF NOT EXISTS doc_version_schedule (id INTEGER PRIMARY KEY CHECK (id = 1), last_version_at INTEGER, due_at INTEGER)",
    "INSERT OR IGNORE INTO doc_version_schedule (id, last_version_at, due_at) SELECT 1, max(created_at), NULL FROM doc_version",
  ],
] as const;

/**
 * What a document room keeps of its versions (rooms/doc/docHistory.ts). SqliteDocVersions is the one
 * rooms run on, so a version commits with its outbox entries; MemoryDocVersions (memoryDocVersions.ts)
 * is its twin for engine tests and tools, and docVersions.contract.ts holds both to the same behaviour.
 */
export interface DocVersionStore {
  /** When the last version was taken, and when a deferred one is due (null when none waits). */
  schedule(): { lastVersionAt: number | null; dueAt: number | null };
  /** Records that a version is owed at `dueAt`. */
  defer(dueAt: number): void;
  /** Forgets a deferred version (the document turned out unchanged, or one was taken). */
  clearDue(): void;
  /** The hash of the last version's document, or null before the first. */
  lastHash(): string | null;
  /** Counts an applied update by `sub`; returns the updates since the last version. */
  noteUpdate(sub: string): number;
  /** Records a version unless `hash` equals the last version's (an unchanged document); returns its id or null. */
  add(snapshot: Uint8Array, hash: string, now: number): string | null;
  /** Removes the versions past `retention` (and any bytes still waiting for upload); returns their ids. */
  prune(retention: VersionRetention): string[];
  /** The snapshot bytes of a version not yet uploaded, or null. */
  pendingSnapshot(id: string): Uint8Array | null;
  /** The version's snapshot is in the archive: its bytes leave the room. */
  markUploaded(id: string): void;
  get(id: string): DocVersion | null;
  /** Versions, oldest first. */
  list(): DocVersion[];
}

/** Where version ids come from: the engine's Randomness port (rooms/engine/ports.ts), so no store reads a global. */
export interface VersionIdSource {
  uuid(): string;
}

/**
 * A version's id: its time first, zero-padded, so ids sort as the versions were taken, then 8 hex digits
 * that keep two of one ms apart. They are the uuid's last 8: random in a v4 uuid, and the ones that
 * change between the sequential ids of a test's randomness (rooms/engine/testing/manualPorts.ts).
 */
export function newVersionId(now: number, random: VersionIdSource): string {
  return `${String(now).padStart(15, "0")}-${random.uuid().slice(-8)}`;
}

export class SqliteDocVersions implements DocVersionStore {
  readonly #sql: SqlExec;
  readonly #random: VersionIdSource;

  constructor(sql: SqlExec, random: VersionIdSource) {
    this.#sql = sql;
    this.#random = random;
    migrate(sql, "doc_versions", DOC_VERSIONS_MIGRATIONS);
  }

  schedule(): { lastVersionAt: number | null; dueAt: number | null } {
    const row = this.#sql.exec<{ last_version_at: number | null; due_at: number | null }>("SELECT last_version_at, due_at FROM doc_version_schedule WHERE id = 1").one();
    return { lastVersionAt: row.last_version_at, dueAt: row.due_at };
  }

  defer(dueAt: number): void {
    this.#sql.exec("UPDATE doc_version_schedule SET due_at = ? WHERE id = 1", dueAt);
  }

  clearDue(): void {
    this.#sql.exec("UPDATE doc_version_schedule SET due_at = NULL WHERE id = 1");
  }

  lastHash(): string | null {
    return this.#sql.exec<{ last_hash: string | null }>("SELECT last_hash FROM doc_version_state WHERE id = 1").one().last_hash;
  }

  noteUpdate(sub: string): number {
    this.#sql.exec("INSERT OR IGNORE INTO doc_version_editor (sub) VALUES (?)", sub);
    return this.#sql.exec<{ n: number }>("UPDATE doc_version_state SET updates_since = updates_since + 1 WHERE id = 1 RETURNING updates_since AS n").one().n;
  }

  add(snapshot: Uint8Array, hash: string, now: number): string | null {
    const state = this.#sql.exec<{ last_hash: string | null }>("SELECT last_hash FROM doc_version_state WHERE id = 1").one();
    if (state.last_hash === hash) return null;
    const id = newVersionId(now, this.#random);
    const editors = this.#sql.exec<{ sub: string }>("SELECT sub FROM doc_version_editor ORDER BY sub").toArray().map((r) => r.sub);
    this.#sql.exec("INSERT INTO doc_version (id, created_at, bytes, editors) VALUES (?, ?, ?, ?)", id, now, snapshot.byteLength, JSON.stringify(editors));
    for (let offset = 0, idx = 0; offset < snapshot.byteLength || idx === 0; offset += CHUNK_BYTES, idx++) {
      this.#sql.exec("INSERT INTO doc_version_chunk (version_id, idx, data) VALUES (?, ?, ?)", id, idx, snapshot.subarray(offset, offset + CHUNK_BYTES));
    }
    this.#sql.exec("DELETE FROM doc_version_editor");
    this.#sql.exec("UPDATE doc_version_state SET updates_since = 0, last_hash = ? WHERE id = 1", hash);
    this.#sql.exec("UPDATE doc_version_schedule SET last_version_at = ?, due_at = NULL WHERE id = 1", now);
    return id;
  }

  prune(retention: VersionRetention): string[] {
    const ids = versionsToPrune(this.list(), retention);
    for (const id of ids) {
      this.#sql.exec("DELETE FROM doc_version WHERE id = ?", id);
      this.#sql.exec("DELETE FROM doc_version_chunk WHERE version_id = ?", id);
    }
    return ids;
  }

  pendingSnapshot(id: string): Uint8Array | null {
    const chunks = this.#sql
      .exec<{ data: ArrayBuffer }>("SELECT data FROM doc_version_chunk WHERE version_id = ? ORDER BY idx", id)
      .toArray()
      .map((r) => new Uint8Array(r.data));
    if (chunks.length === 0) return null;
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  markUploaded(id: string): void {
    this.#sql.exec("UPDATE doc_version SET is_uploaded = 1 WHERE id = ?", id);
    this.#sql.exec("DELETE FROM doc_version_chunk WHERE version_id = ?", id);
  }

  get(id: string): DocVersion | null {
    return this.#rows("SELECT * FROM doc_version WHERE id = ?", id)[0] ?? null;
  }

  list(): DocVersion[] {
    return this.#rows("SELECT * FROM doc_version ORDER BY id");
  }

  #rows(query: string, ...bindings: string[]): DocVersion[] {
    return this.#sql
      .exec<{ id: string; created_at: number; bytes: number; editors: string; is_uploaded: number }>(query, ...bindings)
      .toArray()
      .map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        bytes: r.bytes,
        editors: parseEditors(r.editors),
        isUploaded: r.is_uploaded === 1,
      }));
  }
}

function parseEditors(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function docVersionKey(roomId: string, versionId: string): string {
  return `${docObjectsPrefix(roomId)}versions/${versionId}.yjs`;
}

/** Every R2 object of one document room lives under this prefix (the trailing slash keeps `a` from matching `ab`). */
export function docObjectsPrefix(roomId: string): string {
  return `docs/${roomId}/`;
}
