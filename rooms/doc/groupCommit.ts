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
  #pending: T[] = [];
  #inFlight = false;

  /**
   * @param write writes a batch (and queues its acknowledgements) synchronously.
   * @param durable resolves when everything written so far is durable (`ctx.storage.sync()`).
   */
  constructor(write: (batch: T[]) => void, durable: () => Promise<void>, onError: (error: unknown) => void) {
    this.#write = write;
    this.#durable = durable;
    this.#onError = onError;
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
    if (!this.#inFlight) this.#writePending();
  }

  /** Writes whatever waits now, in the caller's event (before compaction, on close, for an operator). */
  flush(): void {
    if (this.#pending.length > 0) this.#writePending();
  }

  #writePending(): void {
    const batch = this.#pending;
    this.#pending = [];
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
      if (this.#pending.length > 0) this.#writePending();
    } catch (error) {
      this.#onError(error);
    }
  }
}
