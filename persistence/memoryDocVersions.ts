import { newVersionId, versionsToPrune, type DocVersion, type DocVersionStore, type VersionIdSource, type VersionRetention } from "./docVersions.ts";

interface StoredVersion {
  version: DocVersion;
  /** The snapshot until its upload; null after (SQLite's chunks are deleted then). */
  pending: Uint8Array | null;
}

/**
 * A document's versions in memory, for engine tests and tools: what SqliteDocVersions does without a
 * database (docVersions.contract.ts holds both to it). It has no transactions, so a room must not
 * pair it with a SQLite outbox whose entries it should commit with.
 */
export class MemoryDocVersions implements DocVersionStore {
  readonly #versions = new Map<string, StoredVersion>();
  readonly #editors = new Set<string>();
  readonly #random: VersionIdSource;
  #updatesSince = 0;
  #lastHash: string | null = null;
  #lastVersionAt: number | null = null;
  #dueAt: number | null = null;

  constructor(random: VersionIdSource) {
    this.#random = random;
  }

  schedule(): { lastVersionAt: number | null; dueAt: number | null } {
    return { lastVersionAt: this.#lastVersionAt, dueAt: this.#dueAt };
  }

  defer(dueAt: number): void {
    this.#dueAt = dueAt;
  }

  clearDue(): void {
    this.#dueAt = null;
  }

  lastHash(): string | null {
    return this.#lastHash;
  }

  noteUpdate(sub: string): number {
    this.#editors.add(sub);
    return ++this.#updatesSince;
  }

  add(snapshot: Uint8Array, hash: string, now: number): string | null {
    if (this.#lastHash === hash) return null;
    const id = newVersionId(now, this.#random);
    // SQLite's primary key refuses a second version of one id; so does this.
    if (this.#versions.has(id)) throw new Error(`version ${id} exists already`);
    const editors = [...this.#editors].sort();
    this.#versions.set(id, { version: { id, createdAt: now, bytes: snapshot.byteLength, editors, isUploaded: false }, pending: snapshot.slice() });
    this.#editors.clear();
    this.#updatesSince = 0;
    this.#lastHash = hash;
    this.#lastVersionAt = now;
    this.#dueAt = null;
    return id;
  }

  prune(retention: VersionRetention): string[] {
    const ids = versionsToPrune(this.list(), retention);
    for (const id of ids) this.#versions.delete(id);
    return ids;
  }

  pendingSnapshot(id: string): Uint8Array | null {
    return this.#versions.get(id)?.pending?.slice() ?? null;
  }

  markUploaded(id: string): void {
    const stored = this.#versions.get(id);
    if (!stored) return;
    stored.version = { ...stored.version, isUploaded: true };
    stored.pending = null;
  }

  get(id: string): DocVersion | null {
    const stored = this.#versions.get(id);
    return stored ? copy(stored.version) : null;
  }

  list(): DocVersion[] {
    // By id, as SQLite's ORDER BY id: ids begin with their zero-padded time.
    return [...this.#versions.keys()].sort().map((id) => copy(this.#versions.get(id)!.version));
  }
}

const copy = (version: DocVersion): DocVersion => ({ ...version, editors: [...version.editors] });
