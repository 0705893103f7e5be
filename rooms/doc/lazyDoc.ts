import * as Y from "yjs";

/** What a document room read from storage at start: its snapshot and the update log after it. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** The snapshot's state vector, if it was stored with it (DocStore.snapshotStateVector). */
  snapshotStateVector?: Uint8Array | null;
}

/** The origin of the transaction that builds the document from its stored bytes: not a change. */
const LOADED = Symbol("loaded from storage");

/**
 * A room's Yjs document, built from its stored bytes only when something needs it. Applying a
 * stored document is most of a cold start (a 311 KB document takes ~25 ms to apply, ~3 ms to read
 * its state vector from the bytes), and answering a client's sync needs neither: until the
 * document is built, the room serves step 1 and step 2 from the stored bytes as one update
 * (`storedUpdate`, merged once), with the state vector stored beside the snapshot when nothing
 * was logged after it (read from the bytes otherwise). `get()` is the only way to the Y.Doc, and it builds it first, so
 * no path can read a document that lacks what was stored; every change (a connection's update, an
 * import, a restore) goes through `get()`, so until it is first called the stored bytes are the
 * whole state. It is not built ahead of need: built in the turn after a cold start's first answer,
 * it competed for the CPU with the client applying that answer and made the cold load slower
 * (bench/storm.mjs coldLoad). The build is synchronous: nothing runs between a caller asking and the stored
 * bytes being applied, so an update that triggers it applies after them, in order.
 */
export class LazyDoc {
  readonly #doc: Y.Doc;
  /** What is still to apply; null once built. */
  #stored: StoredDocument | null;
  /** The stored state as one update, and its state vector, while not built. */
  #storedUpdate: Uint8Array | null = null;
  #storedStateVector: Uint8Array | null = null;
  #failure: unknown = null;

  /**
   * Checks each logged update whole (a torn write cuts the last one short), so such a document is
   * refused at start as when applying it threw there. The snapshot, written in one transaction, is
   * read only when first served or built; if it does not read then, `failure` says so.
   */
  constructor(stored: StoredDocument | null, doc = new Y.Doc({ gc: true })) {
    this.#doc = doc;
    this.#stored = stored;
    for (const update of stored?.updates ?? []) Y.decodeUpdate(update);
  }

  /** A document that is already whole in memory (tests, and rooms that build their own). */
  static built(doc: Y.Doc): LazyDoc {
    return new LazyDoc(null, doc);
  }

  get isBuilt(): boolean {
    return this.#stored === null && this.#failure === null;
  }

  /** Set when applying the stored bytes failed: the document is then not whole and must never be used. */
  get failure(): unknown {
    return this.#failure;
  }

  /** The document, built from the stored bytes first if it is not yet. Throws if that build failed. */
  get(): Y.Doc {
    if (this.#failure) throw this.#failure;
    const stored = this.#stored;
    if (!stored) return this.#doc;
    this.#stored = null;
    try {
      this.#doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(this.#doc, stored.snapshot);
        for (const update of stored.updates) Y.applyUpdate(this.#doc, update);
      }, LOADED);
    } catch (error) {
      throw this.#fail(error);
    }
    this.#storedUpdate = null;
    this.#storedStateVector = null;
    return this.#doc;
  }

  /**
   * The whole stored state as one Yjs update while the document is not built, merged once (the
   * snapshot as it is when nothing was logged after it); null once built. Throws, and sets
   * `failure`, if the stored bytes do not read.
   */
  storedUpdate(): Uint8Array | null {
    const stored = this.#stored;
    if (!stored) return null;
    if (!this.#storedUpdate) {
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
      try {
        this.#storedUpdate = parts.length === 0 ? Y.encodeStateAsUpdate(this.#doc) : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
      } catch (error) {
        throw this.#fail(error);
      }
    }
    return this.#storedUpdate;
  }

  /** The stored state's state vector while the document is not built; null once it is. */
  storedStateVector(): Uint8Array | null {
    const stored = this.#stored;
    // Nothing logged after the snapshot: its stored state vector is the document's.
    if (stored && stored.updates.length === 0 && stored.snapshotStateVector) return stored.snapshotStateVector;
    const update = this.storedUpdate();
    if (!update) return null;
    try {
      return (this.#storedStateVector ??= Y.encodeStateVectorFromUpdate(update));
    } catch (error) {
      throw this.#fail(error);
    }
  }

  #fail(error: unknown): unknown {
    this.#failure = error;
    this.#stored = null;
    this.#storedUpdate = null;
    this.#storedStateVector = null;
    return error;
  }

  /** Calls `listener` for every change to the document; applying the stored bytes is not one. */
  onChange(listener: (update: Uint8Array, origin: unknown) => void): void {
    this.#doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== LOADED) listener(update, origin);
    });
  }
}
