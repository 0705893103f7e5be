import * as Y from "yjs";
import { docVersionKey, type DocVersion, type DocVersionStore } from "../../persistence/docVersions.ts";
import type { Outbox } from "../../persistence/outbox.ts";
import { unknownOutboxKind, type RoomExportEntry } from "../../persistence/outboxKinds.ts";
import type { SqlDatabase } from "../../persistence/sql.ts";
import type { ArchivePort, Clock } from "../engine/ports.ts";
import type { LazyDoc } from "./lazyDoc.ts";
import { restoreInto } from "./restore.ts";

/** Applied updates after which the room exports a version, so a busy document gets one every so often. */
export const VERSION_EVERY_UPDATES = 500;

/** How often, and how much, one document room keeps of its history. */
export const VersionLimits = {
  /**
   * Shortest time between two versions of a room, in ms: 20 one-character visits to a 900 KB document
   * stored 21 full copies. A version due sooner waits for the minute's end (deferred, never dropped).
   * An operator's version (admin API) is not held to it.
   */
  MIN_INTERVAL_MS: 60_000,
  /** Versions a room keeps; older ones leave the listing and R2. */
  MAX_VERSIONS_PER_ROOM: 50,
  /** Bytes of snapshots a room keeps, in bytes: 8 documents of the largest size (DocLimits.MAX_DOCUMENT_BYTES). */
  MAX_VERSION_BYTES_PER_ROOM: 64 * 1024 * 1024,
  /** Keys one R2 delete takes at most (R2's own limit), so one outbox entry is one call. */
  MAX_KEYS_PER_PRUNE: 1_000,
} as const;

/** What taking a version did. */
export type TakenVersion = { type: "taken"; version: DocVersion } | { type: "skipped"; reason: "empty" | "unchanged" | "outbox_full" };
/** What asking for a version did: taking it may wait for the end of the minute. */
export type VersionOutcome = TakenVersion | { type: "deferred"; dueAt: number };

/** Marks a restore as the origin of its update, for the version's editor list. */
export class RestoreOrigin {
  readonly versionId: string;
  constructor(versionId: string) {
    this.versionId = versionId;
  }
}

/**
 * A document's versions: snapshots exported to R2 through the room's outbox after
 * VERSION_EVERY_UPDATES updates and when the room empties, at most once per
 * VersionLimits.MIN_INTERVAL_MS, skipping an empty or unchanged document. Past the retention
 * bounds the oldest versions are pruned, their rows at once and their R2 objects through the outbox.
 */
export class DocHistory {
  readonly #db: SqlDatabase;
  readonly #bucket: ArchivePort;
  readonly #clock: Clock;
  readonly #roomId: string;
  readonly #doc: LazyDoc;
  readonly #versions: DocVersionStore;
  readonly #outbox: Outbox;

  readonly #onScheduled: () => void;
  readonly #onRecorded: (version: DocVersion) => void;

  /**
   * @param stores the room's versions and outbox, on the same database as `db`: a version and its outbox entries commit together.
   * @param onScheduled called after a version entered the outbox or was deferred, so the room sets its alarm.
   * @param onRecorded called inside the transaction that records a version (the room writes its event there).
   */
  constructor(
    db: SqlDatabase,
    bucket: ArchivePort,
    clock: Clock,
    roomId: string,
    doc: LazyDoc,
    stores: { versions: DocVersionStore; outbox: Outbox },
    onScheduled: () => void,
    onRecorded: (version: DocVersion) => void = () => {},
  ) {
    this.#db = db;
    this.#bucket = bucket;
    this.#clock = clock;
    this.#roomId = roomId;
    this.#doc = doc;
    this.#versions = stores.versions;
    this.#outbox = stores.outbox;
    this.#onScheduled = onScheduled;
    this.#onRecorded = onRecorded;
  }

  /** Counts an applied update; asks for a version once enough have accumulated. */
  noteUpdate(editor: string): void {
    if (this.#versions.noteUpdate(editor) >= VERSION_EVERY_UPDATES) this.requestVersion();
  }

  /**
   * Asks for a version (the room emptied, or enough updates came): taken now, or deferred to the end
   * of the minute since the last one, or skipped for an empty or unchanged document.
   */
  requestVersion(now = this.#clock.now()): VersionOutcome {
    if (isEmpty(this.#doc.get())) return { type: "skipped", reason: "empty" };
    const { lastVersionAt, dueAt } = this.#versions.schedule();
    // Already owed: the version at dueAt will hold whatever changed until then.
    if (dueAt !== null && now < dueAt) return { type: "deferred", dueAt };
    const hash = documentHash(this.#doc.get());
    if (hash === this.#versions.lastHash()) {
      if (dueAt !== null) this.#versions.clearDue();
      return { type: "skipped", reason: "unchanged" };
    }
    if (lastVersionAt !== null && now < lastVersionAt + VersionLimits.MIN_INTERVAL_MS) {
      return this.#defer(lastVersionAt + VersionLimits.MIN_INTERVAL_MS);
    }
    // A full outbox must first drain through the alarm that calls this; throwing here would stop that alarm.
    if (this.#outbox.isFull()) return this.#defer(now + VersionLimits.MIN_INTERVAL_MS);
    return this.#take(hash, now);
  }

  #defer(dueAt: number): VersionOutcome {
    this.#versions.defer(dueAt);
    this.#onScheduled();
    return { type: "deferred", dueAt };
  }

  /** An operator's version: taken now whatever the interval, still skipped for an empty or unchanged document. */
  takeVersionNow(now = this.#clock.now()): TakenVersion {
    if (isEmpty(this.#doc.get())) return { type: "skipped", reason: "empty" };
    if (this.#outbox.isFull()) return { type: "skipped", reason: "outbox_full" };
    return this.#take(documentHash(this.#doc.get()), now);
  }

  /** When the room's alarm must run for a deferred version, or null. */
  dueAt(): number | null {
    return this.#versions.schedule().dueAt;
  }

  /** From the room's alarm: takes a deferred version once it is due. */
  takeDue(now = this.#clock.now()): void {
    const dueAt = this.dueAt();
    if (dueAt !== null && dueAt <= now) this.requestVersion(now);
  }

  /** Records a version, prunes past the retention bounds, and queues the R2 work, in one transaction. */
  #take(hash: string, now: number): TakenVersion {
    const version = this.#db.transactionSync(() => {
      const versionId = this.#versions.add(Y.encodeStateAsUpdate(this.#doc.get()), hash, now);
      if (!versionId) return null;
      this.#outbox.enqueue("doc_version", `doc_version:${versionId}`, versionId, now);
      const pruned = this.#versions.prune({ maxVersions: VersionLimits.MAX_VERSIONS_PER_ROOM, maxBytes: VersionLimits.MAX_VERSION_BYTES_PER_ROOM });
      for (let i = 0; i < pruned.length; i += VersionLimits.MAX_KEYS_PER_PRUNE) {
        const ids = pruned.slice(i, i + VersionLimits.MAX_KEYS_PER_PRUNE);
        this.#outbox.enqueue("doc_version_prune", `doc_version_prune:${ids[0]}`, ids.join(","), now);
      }
      const version = this.#versions.get(versionId);
      if (version) this.#onRecorded(version);
      return version;
    });
    if (!version) return { type: "skipped", reason: "unchanged" };
    this.#onScheduled();
    return { type: "taken", version };
  }

  /** Uploads one version from the room's outbox to R2. */
  async deliver(entry: RoomExportEntry): Promise<void> {
    switch (entry.kind) {
      case "doc_version_prune":
        // Deleting a key that is not there succeeds, so a retry (or a prune before the upload) is harmless.
        await this.#bucket.delete(entry.payload.split(",").map((id) => docVersionKey(this.#roomId, id)));
        return;
      case "doc_version":
        return this.#upload(entry.payload);
      case "leaderboard":
      case "replay":
        throw new Error(`a document room writes no "${entry.kind}" entries`);
      default: {
        const never: never = entry;
        throw unknownOutboxKind(never);
      }
    }
  }

  async #upload(versionId: string): Promise<void> {
    const version = this.#versions.get(versionId);
    // Pruned before its upload: nothing to send (its prune entry deletes any copy a lost confirmation left).
    if (!version) return;
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
    restoreInto(this.#doc.get(), old, new RestoreOrigin(versionId));
    return true;
  }
}

/** Nothing was ever written to it: its state vector names no client. */
function isEmpty(doc: Y.Doc): boolean {
  return Y.encodeStateVector(doc).byteLength <= 1;
}

/** Tells a changed document from an unchanged one: the state vector and delete set, not the content. */
function documentHash(doc: Y.Doc): string {
  return hashBytes(Y.encodeSnapshot(Y.snapshot(doc)));
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
