import { DurableObject } from "cloudflare:workers";
import { configuredLimits } from "./configuredLimits.ts";
import { TokenBucket } from "./doc/tokenBucket.ts";
import { logEvent } from "./log.ts";

/** Requests a client address may make to the public HTTP routes per minute (and in one burst). */
export const DEFAULT_PUBLIC_REQUESTS_PER_MINUTE = 120;
/** New rooms one `sub` may create per minute (and in one burst). */
export const DEFAULT_ROOM_CREATIONS_PER_MINUTE = 60;

export type RateRule = "public" | "room-creation";

export interface RateVerdict {
  isAllowed: boolean;
  /** When refused: whole seconds until the next request would be allowed. */
  retryAfterSeconds: number;
  /** The bound that applied, per minute, for the error message. */
  perMinute: number;
}

/**
 * A token bucket per key (a client address or a user), one Durable Object per key.
 *
 * Why not the Workers rate-limiting binding: Miniflare emulates it offline, but its limit and
 * period are fixed in wrangler.toml (period 10 or 60 s), it cannot say when to retry, and its
 * windows are aligned to the wall clock, so a test of "the 61st is refused" passes or fails by
 * where the minute boundary falls. This object gives an exact, configurable bound and Retry-After.
 *
 * The bucket lives in memory only: an object idle long enough to be evicted (about 10 s in
 * `wrangler dev`, over a minute on Cloudflare) would have refilled most or all of a one-minute
 * bucket anyway, and nothing is written to storage, so no key leaves anything behind.
 */
export class RateLimiter extends DurableObject<Env> {
  #bucket: { perMinute: number; bucket: TokenBucket } | null = null;

  take(perMinute: number): RateVerdict {
    const { granted, retryAfterSeconds } = this.lease(perMinute, 1);
    return { isAllowed: granted === 1, retryAfterSeconds, perMinute };
  }

  /**
   * Takes up to `want` tokens at once for a caller that spends them itself (server/rateLease.ts):
   * every token granted is gone from the bucket, so the bound holds in count; only when they are
   * spent moves. Retry-After is set when none was granted.
   */
  lease(perMinute: number, want: number): RateLease {
    const now = Date.now();
    // A changed limit (a deploy with a new setting) starts a new, full bucket.
    if (this.#bucket?.perMinute !== perMinute) this.#bucket = { perMinute, bucket: new TokenBucket(perMinute, perMinute / 60, now) };
    const granted = this.#bucket.bucket.takeUpTo(Math.max(1, want), now);
    const retryAfterSeconds = granted > 0 ? 0 : Math.max(1, Math.ceil(this.#bucket.bucket.msUntilToken(now) / 1000));
    return { granted, retryAfterSeconds, perMinute };
  }
}

export interface RateLease {
  /** Tokens taken from the bucket for the caller to spend (0 when refused). */
  granted: number;
  /** When none was granted: whole seconds until one would be. */
  retryAfterSeconds: number;
  perMinute: number;
}

/** The configured bound of a rule: createEdgeroom's `limits`, else an optional env var holding a positive integer, else its default. */
export function limitPerMinute(env: Env, rule: RateRule): number {
  const fromCode = rule === "public" ? configuredLimits().publicRequestsPerMinute : configuredLimits().roomCreationsPerMinute;
  if (fromCode !== undefined) return fromCode;
  const [name, fallback] =
    rule === "public"
      ? (["PUBLIC_RATE_LIMIT_PER_MINUTE", DEFAULT_PUBLIC_REQUESTS_PER_MINUTE] as const)
      : (["ROOM_CREATIONS_PER_MINUTE", DEFAULT_ROOM_CREATIONS_PER_MINUTE] as const);
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (Number.isSafeInteger(value) && value > 0) return value;
  logEvent("bad_setting", { name, value: text, using: fallback });
  return fallback;
}

/**
 * Takes one token from `key`'s bucket of `rule`. If the limiter cannot be reached the request is
 * allowed and the failure logged: a broken limiter must not take the public API down with it.
 */
export async function takeToken(env: Env, rule: RateRule, key: string): Promise<RateVerdict> {
  const perMinute = limitPerMinute(env, rule);
  try {
    return await env.RateLimiter.getByName(`${rule}:${key}`).take(perMinute);
  } catch (error) {
    logEvent("rate_limiter_failed", { rule, error });
    return { isAllowed: true, retryAfterSeconds: 0, perMinute };
  }
}
