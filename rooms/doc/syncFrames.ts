import type * as Y from "yjs";
import { encodeSyncStep1, encodeSyncStep2, frameOfSyncStep2 } from "./frames.ts";

/**
 * The sync frames every client of a room gets alike, encoded once per document state instead of
 * once per connection: the room's sync step 1 (sent at each connect, and as the read-proof probe)
 * and its step 2 for a fresh client, one whose state vector is empty and so takes the whole
 * document. A join storm of a few hundred clients then encodes the document once, not once each.
 * Both are dropped at the document's next change. After a cold load from a snapshot with no log
 * behind it, the step 2 is the stored snapshot's bytes as they are: the document is not encoded
 * at all until someone edits it. The cached step 2 is one more copy of the document in memory,
 * bounded by DocLimits.MAX_DOCUMENT_BYTES, and gone when the room hibernates.
 */
export class SyncFrames {
  readonly #doc: Y.Doc;
  #step1: Uint8Array | null = null;
  #freshStep2: Uint8Array | null = null;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    doc.on("update", () => {
      this.#step1 = null;
      this.#freshStep2 = null;
    });
  }

  /** The document is exactly `update` (a stored snapshot it was loaded from, with no log after it). */
  seed(update: Uint8Array): void {
    this.#freshStep2 = frameOfSyncStep2(update);
  }

  step1(): Uint8Array {
    return (this.#step1 ??= encodeSyncStep1(this.#doc));
  }

  /** The answer to a client's sync step 1 with this state vector. */
  step2(stateVector: Uint8Array): Uint8Array {
    if (!isEmptyStateVector(stateVector)) return encodeSyncStep2(this.#doc, stateVector);
    return (this.#freshStep2 ??= encodeSyncStep2(this.#doc, stateVector));
  }
}

/** A state vector of no clients: one varuint 0 (what Y.encodeStateVector gives for an empty document). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}
