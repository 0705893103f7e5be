/**
 * A token bucket: `capacity` tokens, refilled at `ratePerSecond`. Time comes in as a
 * parameter so tests need no clock.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly capacity: number,
    readonly ratePerSecond: number,
    now: number,
  ) {
    if (capacity <= 0 || ratePerSecond <= 0) throw new RangeError("capacity and ratePerSecond must be > 0");
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsedMs = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Takes up to `want` whole tokens at once; answers how many it took (0 if none is there). */
  takeUpTo(want: number, now: number): number {
    const elapsedMs = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.#updatedAt = now;
    const taken = Math.max(0, Math.min(Math.floor(want), Math.floor(this.#tokens)));
    this.#tokens -= taken;
    return taken;
  }

  /** Milliseconds from `now` until a token is there (0 if one is). For a Retry-After. */
  msUntilToken(now: number): number {
    const elapsedMs = Math.max(0, now - this.#updatedAt);
    const tokens = Math.min(this.capacity, this.#tokens + (elapsedMs * this.ratePerSecond) / 1000);
    return tokens >= 1 ? 0 : ((1 - tokens) * 1000) / this.ratePerSecond;
  }
}
