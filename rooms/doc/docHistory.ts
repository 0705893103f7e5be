import * as Y from "yjs";
import { SqliteDocVersions, docVersionKey, type DocVersion, type OutboxEntry, type SqliteOutbox } from "../../persistence/index.ts";
import { restoreInto } from "./restore.ts";

/** Applied updates after which the room exports a version, so a busy document gets one every so often. */
export const VERSION_EVERY_UPDATES = 500;

/** Marks a restore as the origin of its update, for the version's editor list. */
export class RestoreOrigin {
  readonly versionId: string;
  constructor(versionId: string) {
    this.versionId = versionId;
  }
}

/**
 * A document's versions: snapshots exported to R2 through the room's outbox after
 * VERSION_EVERY_UPDATES updates and when the room empties, skipping an unchanged document.
 */
export class DocHistory {
  readonly #storage: DurableObjectStorage;
  readonly #bucket: R2Bucket;
  readonly #roomId: string;
  readonly #doc: Y.Doc;
  readonly #versions: SqliteDocVersions;
  readonly #outbox: SqliteOutbox;

  readonly #onEnqueued: () => void;

  /** @param onEnqueued called after a version entered the outbox, so the room sets its alarm. */
  constructor(storage: DurableObjectStorage, bucket: R2Bucket, roomId: string, doc: Y.Doc, outbox: SqliteOutbox, onEnqueued: () => void) {
    this.#storage = storage;
    this.#bucket = bucket;
    this.#roomId = roomId;
    this.#doc = doc;
    this.#versions = new SqliteDocVersions(storage.sql);
    this.#outbox = outbox;
    this.#onEnqueued = onEnqueued;
  }

  /** Counts an applied update; exports a version once enough have accumulated. */
  noteUpdate(editor: string): void {
    if (this.#versions.noteUpdate(editor) >= VERSION_EVERY_UPDATES) this.snapshot();
  }

  /** Exports the document as a new version unless it is unchanged since the last one; returns its id or null. */
  snapshot(): string | null {
    const now = Date.now();
    const id = this.#storage.transactionSync(() => {
      const versionId = this.#versions.add(Y.encodeStateAsUpdate(this.#doc), hashBytes(Y.encodeSnapshot(Y.snapshot(this.#doc))), now);
      if (versionId) this.#outbox.enqueue("doc_version", `doc_version:${versionId}`, versionId, now);
      return versionId;
    });
    if (id) this.#onEnqueued();
    return id;
  }

  /** Uploads one version from the room's outbox to R2. */
  async deliver(entry: OutboxEntry): Promise<void> {
    if (entry.kind !== "doc_version") throw new Error(`unknown outbox entry kind "${entry.kind}"`);
    const version = this.#versions.get(entry.payload);
    if (!version) throw new Error(`no version ${entry.payload}`);
    const snapshot = this.#versions.pendingSnapshot(version.id);
    if (snapshot) {
      await this.#bucket.put(docVersionKey(this.#roomId, version.id), snapshot, {
        customMetadata: { createdAt: String(version.createdAt), editors: version.editors.join(",") },
      });
    }
    this.#versions.markUploaded(version.id);
  }

  list(): DocVersion[] {
    return this.#versions.list();
  }

  /** A version's snapshot as a Yjs update, from R2 or, before its upload, from the room. */
  async snapshotBytes(versionId: string): Promise<Uint8Array | null> {
    if (!this.#versions.get(versionId)) return null;
    const pending = this.#versions.pendingSnapshot(versionId);
    if (pending) return pending;
    const object = await this.#bucket.get(docVersionKey(this.#roomId, versionId));
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  /** Makes the document equal to a version again, as a new update. Returns false for an unknown version. */
  async restore(versionId: string): Promise<boolean> {
    const bytes = await this.snapshotBytes(versionId);
    if (!bytes) return false;
    const old = new Y.Doc();
    Y.applyUpdate(old, bytes);
    restoreInto(this.#doc, old, new RestoreOrigin(versionId));
    return true;
  }
}

/** FNV-1a over bytes, as 8 hex digits: enough to tell a changed document from an unchanged one. */
function hashBytes(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
