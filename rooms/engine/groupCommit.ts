/**
 * Group commit for a room's writes. Each Durable Object event that writes ends in its own
 * durable commit (an fsync under workerd), so a room that wrote every update in the event that
 * received it could take only as many updates per second as the disk takes commits: about 200 on
 * the machine the benchmarks ran on, whatever the CPU had left.
 *
 * With this, the first item is written at once, as before. While its commit is in flight, later
 * items wait in memory (applied to the document and already relayed to the other sockets, but not
 * yet written nor acknowledged); when the commit lands, all of them are written in one event, so
 * one commit carries many updates. Nothing is acknowledged before the commit that holds it: `write`
 * hands each acknowledgement to Durability.afterDurable (docWrites.ts), which in a Durable Object
 * is the output gate.
 */
export class GroupCommit<T> {
  readonly #write: (batch: T[]) => void;
  readonly #durable: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  readonly #defer: ((run: () => void) => void) | null;
  readonly #pacing: CommitPacing | null;
  #pending: T[] = [];
  #inFlight = false;
  /** A deferred write of what waits is scheduled (see `defer`). */
  #isDeferred = false;
  /** When the last write started, on the pacing's clock. */
  #lastWriteAt = Number.NEGATIVE_INFINITY;

  /**
   * @param write writes a batch (and queues its acknowledgements) synchronously.
   * @param durable resolves when everything written so far is durable (`ctx.storage.sync()`).
   * @param defer when given, an item pushed while no commit is in flight is written in the turn
   *   `defer` runs it in (after the caller's), not in the caller's: where the runtime sends frames
   *   only once a turn ends (workerd), the relay the caller made leaves without waiting for the
   *   write, its log bookkeeping and a compaction. Items pushed before it runs go in the same write.
   * @param pacing with `defer`: a deferred write starts no sooner than `minIntervalMs` after the one
   *   before it (see CommitPacing).
   */
  constructor(write: (batch: T[]) => void, durable: () => Promise<void>, onError: (error: unknown) => void, defer?: (run: () => void) => void, pacing?: CommitPacing) {
    this.#write = write;
    this.#durable = durable;
    this.#onError = onError;
    this.#defer = defer ?? null;
    this.#pacing = defer ? (pacing ?? null) : null;
  }

  /** Whether a commit is in flight (what is pushed now waits for it to land). */
  get isInFlight(): boolean {
    return this.#inFlight;
  }

  /** Items waiting for the commit in flight. */
  get pending(): readonly T[] {
    return this.#pending;
  }

  push(item: T): void {
    this.#pending.push(item);
    if (!this.#inFlight) this.#writeSoon();
  }

  /** Writes what waits now, or in the deferred turn if there is a `defer`. */
  #writeSoon(): void {
    if (this.#isDeferred) return;
    if (!this.#defer) return this.#writePending();
    this.#isDeferred = true;
    const wait = this.#pacing ? this.#lastWriteAt + this.#pacing.minIntervalMs - this.#pacing.now() : 0;
    const schedule = wait > 0 ? (run: () => void) => this.#pacing!.later(wait, run) : this.#defer;
    schedule(() => {
      this.#isDeferred = false;
      try {
        // A flush may have written them already, or a commit started since takes them when it lands.
        if (!this.#inFlight && this.#pending.length > 0) this.#writePending();
      } catch (error) {
        this.#onError(error);
      }
    });
  }

  /** Writes whatever waits now, in the caller's event (before compaction, on close, for an operator). */
  flush(): void {
    if (this.#pending.length > 0) this.#writePending();
  }

  #writePending(): void {
    const batch = this.#pending;
    this.#pending = [];
    if (this.#pacing) this.#lastWriteAt = this.#pacing.now();
    this.#write(batch);
    if (this.#inFlight) return; // the commit in flight's continuation picks up what comes next
    this.#inFlight = true;
    this.#durable().then(
      () => this.#landed(),
      (error: unknown) => {
        this.#onError(error);
        this.#landed();
      },
    );
  }

  #landed(): void {
    this.#inFlight = false;
    try {
      if (this.#pending.length > 0) this.#writeSoon();
    } catch (error) {
      this.#onError(error);
    }
  }
}

/**
 * Spacing between a busy room's commits. Under workerd every commit ends in an fsync on the runtime's
 * one thread, and nothing else runs while it lasts: at 500 updates a second a room committed about 500
 * times a second, and every update that arrived during one of those fsyncs waited for it. Spaced, one commit carries the updates of its interval. Nothing is held back by the wait itself:
 * no write is in flight then, so relays leave at once, and only `saved` comes up to `minIntervalMs`
 * later. A quiet room's first update is still written in the turn after it arrives.
 */
export interface CommitPacing {
  /** Least time from one write's start to the next deferred one's. */
  minIntervalMs: number;
  /** A monotonic clock, in milliseconds. */
  now(): number;
  /** Runs `run` after `delayMs`. */
  later(delayMs: number, run: () => void): void;
}
