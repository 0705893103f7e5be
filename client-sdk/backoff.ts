/** How a client waits between reconnect attempts. */
export interface ReconnectOptions {
  /** Shortest wait before a reconnect, in ms. Default 250. */
  minDelayMs?: number;
  /** Longest wait before a reconnect, in ms. Default 10 000. */
  maxDelayMs?: number;
  /** How long a connection attempt may take before it is abandoned, in ms. Default 10 000. */
  connectTimeoutMs?: number;
}

export type ResolvedReconnectOptions = Required<ReconnectOptions>;

/** Fills in defaults and checks the options once, so a bad value fails at construction, not at the first drop. */
export function resolveReconnectOptions(options: ReconnectOptions = {}): ResolvedReconnectOptions {
  const resolved = { minDelayMs: 250, maxDelayMs: 10_000, connectTimeoutMs: 10_000, ...options };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`reconnect.${name} must be a positive number`);
  }
  if (resolved.maxDelayMs < resolved.minDelayMs) throw new RangeError("reconnect.maxDelayMs must be >= minDelayMs");
  return resolved;
}

/**
 * Exponential backoff with "equal jitter": half the window is fixed, half random, so
 * many clients dropped at once by a restart do not come back in lockstep.
 */
export function reconnectDelayMs(attempt: number, options: ResolvedReconnectOptions, random: () => number = Math.random): number {
  const window = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(window / 2 + random() * (window / 2));
}
