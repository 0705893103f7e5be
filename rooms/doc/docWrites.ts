import * as Y from "yjs";
import type { DocStore } from "../../persistence/docStore.ts";
import { DocLimits } from "../../protocol/index.ts";
import type { Durability, RoomSocket } from "../engine/ports.ts";
import { DocConnectionState } from "./connectionState.ts";
import { RestoreOrigin, type DocHistory } from "./docHistory.ts";
import { encodeUpdate } from "./frames.ts";
import { GroupCommit } from "./groupCommit.ts";

/** What the write path needs from its room: relaying a frame and acknowledging a sender. */
export interface DocWriteOutput {
  relay(frame: Uint8Array, without?: string): void;
  saved(socket: RoomSocket, seq: number): void;
  commitFailed(error: unknown): void;
}

/**
 * A document room's write path. A connection's update is applied to the document at once, then
 * written, relayed and acknowledged with its group commit (groupCommit.ts): nothing is relayed or
 * acknowledged before the commit that holds it. The room's own writes (import, restore) are
 * written in the call that makes them. The log is folded into the snapshot once it passes
 * COMPACT_AFTER_UPDATES or COMPACT_AFTER_BYTES.
 */
export class DocWrites {
  readonly #doc: Y.Doc;
  readonly #store: DocStore;
  readonly #history: DocHistory;
  readonly #out: DocWriteOutput;
  readonly #durability: Durability;
  readonly #commits: GroupCommit<PendingUpdate>;
  /** The update the document emitted while applying a connection's frame (null: nothing new). */
  #applied: Uint8Array | null = null;

  constructor(doc: Y.Doc, store: DocStore, history: DocHistory, durability: Durability, out: DocWriteOutput) {
    this.#doc = doc;
    this.#store = store;
    this.#history = history;
    this.#out = out;
    this.#durability = durability;
    this.#commits = new GroupCommit<PendingUpdate>(
      (batch) => this.#writeBatch(batch),
      () => durability.sync(),
      (error) => out.commitFailed(error),
    );
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (isConnection(origin)) this.#applied = update;
      else {
        // The room's own writes (import, restore) are durable before the call returns.
        this.#commits.flush();
        this.#writeBatch([{ update, origin, ackSeq: null }]);
      }
    });
  }

  /**
   * Applies a connection's update; it is written, relayed and acknowledged (`ackSeq`, if any)
   * now or with the next group commit. An update that changes nothing is still acknowledged.
   * Returns false for an update Yjs could not apply (nothing is acknowledged then).
   */
  apply(socket: RoomSocket, update: Uint8Array, ackSeq: number | null): boolean {
    this.#applied = null;
    let isApplied = true;
    try {
      Y.applyUpdate(this.#doc, update, socket);
    } catch {
      isApplied = false;
    }
    const applied = this.#applied as Uint8Array | null;
    this.#applied = null;
    // Yjs checks an update only as it applies it: one that fails part-way has still changed the
    // document. What it changed is written and relayed like any update, so the document in
    // memory, in storage and at the clients stays one.
    if (applied || (isApplied && ackSeq !== null)) this.#commits.push({ update: applied, origin: socket, ackSeq: isApplied ? ackSeq : null });
    return isApplied;
  }

  /** Bytes applied but waiting for the commit in flight. */
  get pendingBytes(): number {
    return this.#commits.pending.reduce((sum, p) => sum + (p.update?.byteLength ?? 0), 0);
  }

  /** Writes whatever waits now, in the caller's event. */
  flush(): void {
    this.#commits.flush();
  }

  /** Folds the update log into the snapshot now. */
  compact(): void {
    this.#commits.flush();
    this.#store.compact(Y.encodeStateAsUpdate(this.#doc));
  }

  compactIfLogged(): void {
    if (this.#store.stats().logUpdates > 0) this.compact();
  }

  /**
   * Appends a batch to SQLite, then relays it and acknowledges it once durable. The relay need not
   * wait (a peer that misses an edit re-syncs; the sender keeps what is unsaved); a `saved` must,
   * so it goes only through durability.afterDurable: in a Durable Object the output gate holds it
   * until this event's writes are on disk; on Node it leaves after SQLite's commit returned.
   */
  #writeBatch(batch: PendingUpdate[]): void {
    const updates = batch.filter((p): p is PendingUpdate & { update: Uint8Array } => p.update !== null);
    for (const { update, origin } of updates) {
      this.#store.appendUpdate(update);
      this.#history.noteUpdate(editorOf(origin));
    }
    if (updates.length > 0) {
      // One frame per batch. An origin that gets its own edit back applies nothing (Yjs is idempotent).
      const origins = new Set(updates.map((p) => (isConnection(p.origin) ? p.origin.id : undefined)));
      const only = origins.size === 1 ? [...origins][0] : undefined;
      this.#out.relay(encodeUpdate(updates.length === 1 ? updates[0]!.update : Y.mergeUpdates(updates.map((p) => p.update))), only);
    }
    for (const { origin, ackSeq } of batch) {
      if (ackSeq === null || !isConnection(origin)) continue;
      this.#durability.afterDurable(() => {
        if (origin.isOpen) this.#out.saved(origin, ackSeq);
      });
    }
    const stats = this.#store.stats();
    if (stats.logUpdates >= DocLimits.COMPACT_AFTER_UPDATES || stats.logBytes >= DocLimits.COMPACT_AFTER_BYTES) {
      this.compact();
    }
  }
}

/** An update on its way to storage, and the `saved` it owes its sender. */
interface PendingUpdate {
  update: Uint8Array | null;
  origin: unknown;
  ackSeq: number | null;
}

/** Who made an update, for the version's editor list. */
function editorOf(origin: unknown): string {
  if (origin instanceof RestoreOrigin) return `restore:${origin.versionId}`;
  if (origin === "import") return "import";
  if (!isConnection(origin)) return "room";
  const state = DocConnectionState.safeParse(origin.attachment);
  return state.success ? state.data.sub : "unknown";
}

function isConnection(origin: unknown): origin is RoomSocket {
  return typeof origin === "object" && origin !== null && "id" in origin && "attach" in origin;
}
