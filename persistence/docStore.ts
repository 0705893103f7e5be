/**
 * Storage of one collaboration document: a compact snapshot plus an append-only log
 * of the updates applied since. Every method is synchronous on purpose: the room
 * appends an update in the same turn it applies it, before it tells anyone, so the
 * Durable Object's output gate holds the broadcast until the write is durable.
 */
export interface DocStore {
  /** Snapshot (or null) and the logged updates after it, oldest first. */
  load(): { snapshot: Uint8Array | null; updates: Uint8Array[] };
  /** Appends one update to the log. */
  appendUpdate(update: Uint8Array): void;
  /**
   * Replaces snapshot and log with `snapshot`, which must contain everything logged so far.
   * `stateVector`, the snapshot's, is kept with it where the store can (see snapshotStateVector).
   */
  compact(snapshot: Uint8Array, stateVector?: Uint8Array): void;
  /**
   * The state vector stored with the current snapshot, or null (none stored, or no snapshot): a
   * cold start answers its first sync step 1 with it instead of reading the whole snapshot.
   */
  snapshotStateVector?(): Uint8Array | null;
  /** Sizes that drive compaction and the document bound. */
  stats(): DocStoreStats;
}

export interface DocStoreStats {
  logUpdates: number;
  logBytes: number;
  snapshotBytes: number;
  /** Epoch ms of the last compaction, or null if there was none. */
  lastCompactedAt: number | null;
}

/** In-memory DocStore for tests and tools; same contract as the SQLite one. */
export class MemoryDocStore implements DocStore {
  #snapshot: Uint8Array | null = null;
  #updates: Uint8Array[] = [];
  #lastCompactedAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  load() {
    return { snapshot: this.#snapshot, updates: [...this.#updates] };
  }

  appendUpdate(update: Uint8Array): void {
    this.#updates.push(update.slice());
  }

  compact(snapshot: Uint8Array): void {
    this.#snapshot = snapshot.slice();
    this.#updates = [];
    this.#lastCompactedAt = this.now();
  }

  stats(): DocStoreStats {
    return {
      logUpdates: this.#updates.length,
      logBytes: this.#updates.reduce((sum, u) => sum + u.byteLength, 0),
      snapshotBytes: this.#snapshot?.byteLength ?? 0,
      lastCompactedAt: this.#lastCompactedAt,
    };
  }
}
