import * as Y from "yjs";
import { SqliteDocVersions, SqliteOutbox, docVersionKey, flushOutbox, type DocVersion } from "../../persistence/index.ts";
import { logEvent } from "../log.ts";
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

  constructor(storage: DurableObjectStorage, bucket: R2Bucket, roomId: string, doc: Y.Doc) {
    this.#storage = storage;
    this.#bucket = bucket;
    this.#roomId = roomId;
    this.#doc = doc;
    this.#versions = new SqliteDocVersions(storage.sql);
    this.#outbox = new SqliteOutbox(storage.sql);
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
    if (id) void this.#scheduleFlush();
    return id;
  }

  /** Called by the room's alarm. */
  async flush(): Promise<void> {
    const result = await flushOutbox(this.#outbox, async (entry) => {
      const snapshot = this.#versions.pendingSnapshot(entry.payload);
      const version = this.#versions.get(entry.payload);
      if (!version) throw new Error(`no version ${entry.payload}`);
      if (snapshot) {
        await this.#bucket.put(docVersionKey(this.#roomId, version.id), snapshot, {
          customMetadata: { createdAt: String(version.createdAt), editors: version.editors.join(",") },
        });
      }
      this.#versions.markUploaded(version.id);
    });
    if (result.failed > 0) logEvent("flush_failed", { room: `doc/${this.#roomId}`, ...this.#outbox.status() });
    await this.#scheduleFlush();
  }

  list(): DocVersion[] {
    return this.#versions.list();
  }

  outboxStatus() {
    return this.#outbox.status();
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

  async #scheduleFlush(): Promise<void> {
    const at = this.#outbox.nextAttemptAt();
    if (at !== null) await this.#storage.setAlarm(Math.max(at, Date.now() + 1));
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
