import * as Y from "yjs";
import { DocLimits } from "../../protocol/index.ts";
import { logEvent } from "../log.ts";
import type { DocEngine } from "./docEngine.ts";
import type { TakenVersion } from "./docHistory.ts";
import { renderDocument } from "./restore.ts";

/** What an operator (the admin API) and the tests do to a document room, beyond what every room answers (roomAdmin.ts). */
export class DocAdmin {
  constructor(private readonly engine: DocEngine) {}

  /** Folds the update log into the snapshot now. Used when the room empties, by tests and by operators. */
  compact(): void {
    this.engine.assertLoaded();
    this.engine.writes.compact();
  }

  /** Storage sizes and placement, for tests and the admin API. */
  describe() {
    const { core, store, writes } = this.engine;
    writes.flush();
    return { ...store.stats(), outbox: core.outbox.status(), locationHint: core.meta.get("location_hint"), connections: core.openSockets().length };
  }

  /** Everything an operator sees of this room. */
  inspect() {
    const { core, store, writes, history, doc } = this.engine;
    writes.flush();
    return {
      ...core.directoryEntry(),
      connectionList: core.connectionsInfo(),
      document: { ...store.stats(), documentBytes: Y.encodeStateAsUpdate(doc).byteLength, json: renderDocument(doc) },
      versions: history.list(),
      outbox: core.outbox.status(),
    };
  }

  /** An operator's version: taken now, not held to the once-a-minute floor; skipped for an empty or unchanged document. */
  takeVersionNow(): TakenVersion {
    this.engine.assertLoaded();
    return this.engine.history.takeVersionNow();
  }

  /** Restores a version as a new update that every client merges; false for an unknown version. */
  restoreVersion(versionId: string): Promise<boolean> {
    this.engine.assertLoaded();
    return this.engine.history.restore(versionId);
  }

  /** The whole document as one Yjs update. */
  exportDocument(): Uint8Array {
    this.engine.assertLoaded();
    return Y.encodeStateAsUpdate(this.engine.doc);
  }

  /** Merges a Yjs update into the document, as if an editor had sent it; refuses garbage and oversize. */
  importDocument(update: Uint8Array): { ok: true } | { ok: false; message: string } {
    this.engine.assertLoaded();
    const { core, store } = this.engine;
    try {
      Y.decodeUpdate(update);
    } catch {
      return { ok: false, message: "body is not a Yjs update" };
    }
    const stats = store.stats();
    if (stats.snapshotBytes + stats.logBytes + update.byteLength > DocLimits.MAX_DOCUMENT_BYTES) {
      return { ok: false, message: `document would grow past ${DocLimits.MAX_DOCUMENT_BYTES} bytes` };
    }
    try {
      Y.applyUpdate(this.engine.doc, update, "import");
    } catch (error) {
      // As on sockets (DocWrites.apply): Yjs checks an update only as it applies it. Whatever it
      // changed before failing went through the document's update listener, so it is written
      // and relayed like any update; the caller is told the update was refused.
      logEvent("admin_import_refused", { room: core.room.roomPath, bytes: update.byteLength, error });
      return { ok: false, message: "the update could not be applied to the document" };
    }
    logEvent("admin_import", { room: core.room.roomPath, bytes: update.byteLength });
    return { ok: true };
  }
}
