import * as Y from "yjs";
import { YjsSyncStep } from "../../protocol/yjsMessages.ts";
import { encodeUpdate, frameOfSyncStep1, frameOfSyncStep2 } from "./frames.ts";
import type { LazyDoc } from "./lazyDoc.ts";

/**
 * Most updates a fresh client's answer carries after the whole-document update it starts from:
 * past it the room encodes its document again. They go merged into the answer's step 2
 * (`Y.mergeUpdates`, about 1.3 ms for 64 of them in Node), a cost that grows with their count.
 */
export const FRESH_SYNC_MAX_TAIL_UPDATES = 64;
/**
 * Most bytes of those updates, as a share of the whole-document update's bytes: past it the room
 * encodes its document again. A client applies updates about five times slower per byte than the
 * room encodes a document (in Node, the automerge-paper trace, updates as the room's document emits
 * them: a 236 KB document and the 150 updates (101 KB) after it took 18.9 ms to apply, the 311 KB
 * document they make 10.2 ms, its encoding 5.3 ms; its last 19 updates, 9 KB, cost nothing
 * measurable), so at this share the updates cost a client about what the encoding costs the room;
 * and their memory stays within an eighth of the document's.
 */
export const FRESH_SYNC_MAX_TAIL_SHARE_OF_BASE = 0.125;

/**
 * The sync frames every client of a room gets alike, encoded once per document state instead of
 * once per connection: the room's sync step 1 (sent at each connect, and as the read-proof probe)
 * and its answer to a fresh client, one whose state vector is empty and so takes the whole
 * document. A join storm of a few hundred clients then encodes the document once, not once each.
 *
 * A fresh client's answer starts from the last whole-document update the room has (its own last
 * encoding for a fresh client, a compaction's snapshot, or after a cold start the stored bytes) and
 * carries the updates the document applied since, so a change does not cost the next fresh client
 * an encoding of the whole document (about 4 ms for 311 KB, on the runtime's one thread). The
 * whole-document update goes first as an update frame, then those updates merged into one sync step
 * 2: y-protocols clients (the SDK, y-websocket, y-partyserver's YProvider) say `synced` at the step
 * 2, and by then have applied the frame before it, so they are synced with the whole document as when
 * it was one frame. With no update since, the answer is the step 2 alone, as before. Past
 * FRESH_SYNC_MAX_TAIL_UPDATES or FRESH_SYNC_MAX_TAIL_SHARE_OF_BASE, the updates are dropped with the
 * document update they follow, and the next fresh client's encoding starts again. The room's step 1
 * is dropped at every change.
 *
 * After a cold start, until the document is built (lazyDoc.ts), the step 1 and an older client's
 * step 2 come from the stored bytes too: the state vector stored with the snapshot or read from
 * them, and the step 2 diffed from them, so answering a sync never applies the document.
 *
 * Memory: the whole-document update is held once, inside the one frame that carries it (a step 2
 * while no update followed it, an update frame after; the frame is rebuilt, one copy, when that
 * changes), plus its updates and their merged step 2, each within an eighth of it. So about 1.25
 * times the document's bytes, bounded by DocLimits.MAX_DOCUMENT_BYTES, gone when the room hibernates.
 */
export class SyncFrames {
  readonly #doc: LazyDoc;
  #step1: Uint8Array | null = null;
  /** The last whole-document update: its bytes are the last `#baseBytes` of `#baseHolder`. */
  #baseHolder: Uint8Array | null = null;
  #baseBytes = 0;
  /** What `#baseHolder` is: the update as it came (null), or a frame of this sync step carrying it. */
  #baseStep: typeof YjsSyncStep.STEP2 | typeof YjsSyncStep.UPDATE | null = null;
  /** The updates the document applied after the base, in order. */
  #tail: Uint8Array[] = [];
  #tailBytes = 0;
  /** The frames of a fresh client's answer, until the next change. */
  #freshAnswer: Uint8Array[] | null = null;

  constructor(doc: LazyDoc) {
    this.#doc = doc;
    doc.onChange((update) => {
      this.#step1 = null;
      this.#freshAnswer = null;
      if (!this.#baseHolder) return;
      const tailBytes = this.#tailBytes + update.byteLength;
      if (this.#tail.length >= FRESH_SYNC_MAX_TAIL_UPDATES || tailBytes > this.#baseBytes * FRESH_SYNC_MAX_TAIL_SHARE_OF_BASE) return this.#setBase(null);
      this.#tail.push(update);
      this.#tailBytes = tailBytes;
    });
  }

  step1(): Uint8Array {
    return (this.#step1 ??= frameOfSyncStep1(this.#doc.storedStateVector() ?? Y.encodeStateVector(this.#doc.get())));
  }

  /**
   * The room encoded its whole document as it is now (a compaction's snapshot): a fresh client's
   * answer starts from it, with no update after it yet.
   */
  wholeDocument(update: Uint8Array): void {
    this.#setBase(update);
  }

  /** The answer to a client's sync step 1 with this state vector: frames to send in order, the last a sync step 2. */
  step2(stateVector: Uint8Array): Uint8Array[] {
    const stored = this.#doc.storedUpdate();
    if (!isEmptyStateVector(stateVector)) return [frameOfSyncStep2(stored ? Y.diffUpdate(stored, stateVector) : Y.encodeStateAsUpdate(this.#doc.get(), stateVector))];
    if (this.#freshAnswer) return this.#freshAnswer;
    if (!this.#baseHolder) this.#setBase(stored ?? Y.encodeStateAsUpdate(this.#doc.get()));
    const tail = this.#tail;
    if (tail.length === 0) return (this.#freshAnswer = [this.#baseIn(YjsSyncStep.STEP2)]);
    return (this.#freshAnswer = [this.#baseIn(YjsSyncStep.UPDATE), frameOfSyncStep2(tail.length === 1 ? tail[0]! : Y.mergeUpdates(tail))]);
  }

  /** The base in a frame of `step`: the one held, or a new one that replaces it (the base stays held once). */
  #baseIn(step: typeof YjsSyncStep.STEP2 | typeof YjsSyncStep.UPDATE): Uint8Array {
    const holder = this.#baseHolder!;
    if (this.#baseStep === step) return holder;
    const base = holder.subarray(holder.byteLength - this.#baseBytes);
    const frame = step === YjsSyncStep.STEP2 ? frameOfSyncStep2(base) : encodeUpdate(base);
    this.#baseHolder = frame;
    this.#baseStep = step;
    return frame;
  }

  #setBase(update: Uint8Array | null): void {
    this.#baseHolder = update;
    this.#baseBytes = update?.byteLength ?? 0;
    this.#baseStep = null;
    this.#tail = [];
    this.#tailBytes = 0;
    this.#freshAnswer = null;
  }
}

/** A state vector of no clients: one varuint 0 (what Y.encodeStateVector gives for an empty document). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}
