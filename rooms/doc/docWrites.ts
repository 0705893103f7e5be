import * as Y from "yjs";
import type { DocStore } from "../../persistence/docStore.ts";
import { DocLimits } from "../../protocol/index.ts";
import type { Durability, RoomSocket } from "../engine/ports.ts";
import { docStateOf } from "./connectionState.ts";
import { RestoreOrigin, type DocHistory } from "./docHistory.ts";
import { encodeUpdate } from "./frames.ts";
import { GroupCommit, type CommitPacing } from "../engine/groupCommit.ts";
import type { LazyDoc } from "./lazyDoc.ts";

/**
 * Least time between the starts of a busy room's commits, where a commit holds the runtime's thread
 * (workerd; see CommitPacing): at most 20 a second, so a fast writer's updates share them, and a
 * `saved` comes at most this much later than it would have. In alternating runs at 500 updates a
 * second (bench/typingPairs.mjs, BENCHMARKS.md) an observer's p99 was 10 ms with 50 ms between commits
 * and 67 ms with 10 ms.
 */
export const BUSY_COMMIT_INTERVAL_MS = 50;

/** What the write path needs from its room: relaying a frame and acknowledging a sender. */
export interface DocWriteOutput {
  relay(frame: Uint8Array, without?: string): void;
  saved(socket: RoomSocket, seq: number): void;
  commitFailed(error: unknown): void;
  /** The write path encoded the whole document as it is now (a compaction): syncFrames.ts answers fresh clients from it. */
  wholeDocument?(update: Uint8Array): void;
}

/**
 * A document room's write path. A connection's update is applied to the document and relayed to
 * the room's other sockets at once, then written with its group commit (groupCommit.ts) and
 * acknowledged (`saved`) only once that commit is durable. Under an output gate (a Durable Object,
 * Durability.holdsOutput), what is applied while a commit is in flight could not leave before it
 * lands anyway: it is relayed as one merged frame at that moment, before the next write. The room's own writes (import,
 * restore) are written, then relayed, in the call that makes them. The log is folded into the
 * snapshot once it passes COMPACT_AFTER_UPDATES or COMPACT_AFTER_BYTES.
 *
 * Why relaying before the disk loses no acknowledged edit: a sender hears `saved` for an update
 * only through Durability.afterDurable, after the commit that holds it. Until then the SDK keeps
 * the edit in its document and shows `synced`, not `saved`; if the room dies first, the next
 * connection's sync (the room's step 1, the client's step 2 with everything the room lacks)
 * carries the edit again. A peer that saw the lost update keeps it in its own document and sends
 * it back the same way when it re-syncs, so every replica converges (Yjs updates are idempotent
 * and commutative). What relaying early gives up is only this: a peer may briefly show an edit
 * that the room has not stored yet, exactly as it shows one still on its way from the sender.
 */
export class DocWrites {
  readonly #doc: LazyDoc;
  readonly #store: DocStore;
  readonly #history: DocHistory;
  readonly #out: DocWriteOutput;
  readonly #durability: Durability;
  readonly #commits: GroupCommit<PendingUpdate>;
  /** Updates applied while a commit is in flight under an output gate, relayed when it lands (Durability.holdsOutput). */
  #heldRelays: { update: Uint8Array; from: string }[] = [];
  /** Bytes of connections' updates applied and not yet written, kept as they come and go: summed at each frame, a long wait for a commit made every frame cost O(waiting). */
  #pendingBytes = 0;
  /** The update the document emitted while applying a connection's frame (null: nothing new). */
  #applied: Uint8Array | null = null;

  /**
   * @param afterTurn given where frames leave only when the turn that sent them ends (a Durable
   *   Object): a connection's update is then written in the next turn, so its relay does not wait
   *   for the SQLite insert, the version bookkeeping or a compaction (GroupCommit's `defer`).
   * @param pacing with `afterTurn`: spaces a busy room's commits (BUSY_COMMIT_INTERVAL_MS).
   */
  constructor(doc: LazyDoc, store: DocStore, history: DocHistory, durability: Durability, out: DocWriteOutput, afterTurn?: (run: () => void) => void, pacing?: CommitPacing) {
    this.#doc = doc;
    this.#store = store;
    this.#history = history;
    this.#out = out;
    this.#durability = durability;
    this.#commits = new GroupCommit<PendingUpdate>(
      (batch) => this.#writeBatch(batch),
      // What was held for the commit goes out as it lands, before the next write (deferred or not).
      () => durability.sync().finally(() => this.#relayHeld()),
      (error) => out.commitFailed(error),
      afterTurn,
      pacing,
    );
    doc.onChange((update, origin) => {
      if (isConnection(origin)) this.#applied = update;
      else {
        // The room's own writes (import, restore) are durable before the call returns.
        this.#commits.flush();
        this.#writeBatch([{ update, origin, ackSeq: null }]);
      }
    });
  }

  /**
   * Applies a connection's update and relays it to the other sockets now; it is written now or
   * with the next group commit, and acknowledged (`ackSeq`, if any) once that commit is durable.
   * An update that changes nothing is relayed to no one and still acknowledged.
   * Returns false for an update Yjs could not apply (nothing is acknowledged then).
   */
  apply(socket: RoomSocket, update: Uint8Array, ackSeq: number | null): boolean {
    this.#applied = null;
    let isApplied = true;
    // A fresh client's step 2 reply changes nothing: it does not build a document not yet built (lazyDoc.ts).
    if (!isEmptyUpdate(update)) {
      const doc = this.#doc.get();
      try {
        Y.applyUpdate(doc, update, socket);
      } catch {
        isApplied = false;
      }
    }
    const applied = this.#applied as Uint8Array | null;
    this.#applied = null;
    // Yjs checks an update only as it applies it: one that fails part-way has still changed the
    // document. What it changed is written and relayed like any update, so the document in
    // memory, in storage and at the clients stays one.
    // Relayed before it is written: in a Durable Object a message sent after a write waits for the
    // output gate (the commit); one sent before it does not wait for this write.
    if (applied && this.#durability.holdsOutput && this.#commits.isInFlight) this.#heldRelays.push({ update: applied, from: socket.id });
    else if (applied) this.#out.relay(encodeUpdate(applied), socket.id);
    if (applied) this.#pendingBytes += applied.byteLength;
    if (applied || (isApplied && ackSeq !== null)) this.#commits.push({ update: applied, origin: socket, ackSeq: isApplied ? ackSeq : null });
    return isApplied;
  }

  /** Bytes applied but waiting for the commit in flight. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Writes whatever waits now, in the caller's event. */
  flush(): void {
    this.#commits.flush();
  }

  /** Folds the update log into the snapshot now. */
  compact(): void {
    this.#commits.flush();
    const doc = this.#doc.get();
    const whole = Y.encodeStateAsUpdate(doc);
    this.#store.compact(whole, Y.encodeStateVector(doc));
    this.#out.wholeDocument?.(whole);
  }

  /** Writes what waits (a spaced commit's updates too), then folds the log into the snapshot if it holds anything. */
  compactIfLogged(): void {
    this.#commits.flush();
    if (this.#store.stats().logUpdates > 0) this.compact();
  }

  /**
   * Appends a batch to SQLite and acknowledges it once durable. Connections' updates were relayed
   * when applied (see the class comment); the room's own writes are relayed here. A `saved` goes
   * only through durability.afterDurable: in a Durable Object the output gate holds it until this
   * event's writes are on disk; on Node it leaves after the fsync that covers SQLite's commit.
   */
  #writeBatch(batch: PendingUpdate[]): void {
    this.#relayHeld();
    const updates = batch.filter((p): p is PendingUpdate & { update: Uint8Array } => p.update !== null);
    for (const { update, origin } of updates) if (isConnection(origin)) this.#pendingBytes -= update.byteLength;
    for (const { update, origin } of updates) {
      this.#store.appendUpdate(update);
      this.#history.noteUpdate(editorOf(origin));
    }
    const own = updates.filter((p) => !isConnection(p.origin));
    if (own.length > 0) this.#out.relay(encodeUpdate(own.length === 1 ? own[0]!.update : Y.mergeUpdates(own.map((p) => p.update))));
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

  /**
   * Relays, as one frame, the updates held while the commit in flight held every send anyway: as that
   * commit lands, before the batch that holds them is written, so its own commit does not hold the frame too. An origin
   * that gets its own edit back in a merged frame applies nothing (Yjs is idempotent).
   */
  #relayHeld(): void {
    const held = this.#heldRelays;
    if (held.length === 0) return;
    this.#heldRelays = [];
    const only = held.every((h) => h.from === held[0]!.from) ? held[0]!.from : undefined;
    this.#out.relay(encodeUpdate(held.length === 1 ? held[0]!.update : Y.mergeUpdates(held.map((h) => h.update))), only);
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
  return docStateOf(origin)?.sub ?? "unknown";
}

/** The empty Yjs update (no structs, no deletions), as a client with nothing to add answers a step 1. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

function isConnection(origin: unknown): origin is RoomSocket {
  return typeof origin === "object" && origin !== null && "id" in origin && "attach" in origin;
}
