/** How a client waits between reconnect attempts. */
export interface ReconnectOptions {
  /** Shortest wait before a reconnect, in ms. Default 250. */
  minDelayMs?: number;
  /** Longest wait before a reconnect, in ms. Default 10 000. */
  maxDelayMs?: number;
  /**
   * The least random spread of a wait, in ms (never past maxDelayMs). Default 1 000: clients
   * dropped together, as a deploy drops every socket, come back over a second, not in one burst.
   */
  jitterMs?: number;
  /** How long a connection attempt may take before it is abandoned, in ms. Default 10 000. */
  connectTimeoutMs?: number;
}

export type ResolvedReconnectOptions = Required<ReconnectOptions>;

/** Fills in defaults and checks the options once, so a bad value fails at construction, not at the first drop. */
export function resolveReconnectOptions(options: ReconnectOptions = {}): ResolvedReconnectOptions {
  const resolved = { minDelayMs: 250, maxDelayMs: 10_000, jitterMs: 1_000, connectTimeoutMs: 10_000, ...options };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`reconnect.${name} must be a positive number`);
  }
  if (resolved.maxDelayMs < resolved.minDelayMs) throw new RangeError("reconnect.maxDelayMs must be >= minDelayMs");
  return resolved;
}

/**
 * Exponential backoff with jitter: half the window is fixed, so no client retries faster than
 * the schedule allows; the rest is random over half the window or `jitterMs`, whichever is wider,
 * so many clients dropped at once by a restart do not come back in lockstep. Without the
 * `jitterMs` floor the first retry of every client would land inside the same 125 ms.
 */
export function reconnectDelayMs(attempt: number, options: ResolvedReconnectOptions, random: () => number = Math.random): number {
  const window = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, attempt));
  const fixed = window / 2;
  const spread = Math.min(options.maxDelayMs - fixed, Math.max(window / 2, options.jitterMs));
  return Math.round(fixed + random() * spread);
}
