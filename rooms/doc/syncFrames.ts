import * as Y from "yjs";
import { encodeSyncStep2, frameOfSyncStep1, frameOfSyncStep2 } from "./frames.ts";
import type { LazyDoc } from "./lazyDoc.ts";

/**
 * The sync frames every client of a room gets alike, encoded once per document state instead of
 * once per connection: the room's sync step 1 (sent at each connect, and as the read-proof probe)
 * and its step 2 for a fresh client, one whose state vector is empty and so takes the whole
 * document. A join storm of a few hundred clients then encodes the document once, not once each.
 * Both are dropped at the document's next change. After a cold start, until the document is built
 * (lazyDoc.ts), both come from the stored bytes: the state vector stored with the snapshot or read from them, the fresh
 * step 2 the stored update as it is, and an older client's step 2 diffed from it, so answering a
 * sync never applies the document. The cached step 2 is one more copy of the document in memory,
 * bounded by DocLimits.MAX_DOCUMENT_BYTES, and gone when the room hibernates.
 */
export class SyncFrames {
  readonly #doc: LazyDoc;
  #step1: Uint8Array | null = null;
  #freshStep2: Uint8Array | null = null;

  constructor(doc: LazyDoc) {
    this.#doc = doc;
    doc.onChange(() => {
      this.#step1 = null;
      this.#freshStep2 = null;
    });
  }

  step1(): Uint8Array {
    return (this.#step1 ??= frameOfSyncStep1(this.#doc.storedStateVector() ?? Y.encodeStateVector(this.#doc.get())));
  }

  /** The answer to a client's sync step 1 with this state vector. */
  step2(stateVector: Uint8Array): Uint8Array {
    const stored = this.#doc.storedUpdate();
    if (!isEmptyStateVector(stateVector)) return stored ? frameOfSyncStep2(Y.diffUpdate(stored, stateVector)) : encodeSyncStep2(this.#doc.get(), stateVector);
    return (this.#freshStep2 ??= stored ? frameOfSyncStep2(stored) : encodeSyncStep2(this.#doc.get(), stateVector));
  }
}

/** A state vector of no clients: one varuint 0 (what Y.encodeStateVector gives for an empty document). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}
