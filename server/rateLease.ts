import { limitPerMinute, type RateLease, type RateVerdict } from "../rooms/RateLimiter.ts";
import { logEvent } from "../rooms/log.ts";

/**
 * The public per-address limit without a Durable Object round trip per request: an isolate takes
 * a small batch of tokens (a lease) from the address's RateLimiter and spends them itself. Every
 * leased token is gone from the address's bucket when it is leased, so the number of requests
 * allowed never exceeds what the bucket grants; what moves is when they are spent:
 * - an isolate may spend a leased token up to LEASE_LIFETIME_MS after taking it, so a burst right
 *   after a full refill can reach the bound plus one lease (at most perMinute / LEASE_SHARE) per
 *   isolate holding one;
 * - tokens leased by one isolate are not there for another, and unspent ones are dropped when
 *   their lease ends, so an address can also be refused up to one lease early.
 * A client asking slowly leases one token at a time, exactly as before; the batch grows (doubling,
 * or to the number of requests waiting) only while requests arrive faster than a lease a second.
 */

/** A lease's tokens may be spent this long after it was taken; unspent ones are then dropped. */
export const LEASE_LIFETIME_MS = 10_000;
/** A lease holds at most this fraction of the per-minute bound (1/10: 12 of the default 120). */
export const LEASE_SHARE = 10;
/** A lease used up within this long after it was granted makes the next one larger. */
const LEASE_GROWTH_WINDOW_MS = 1_000;
/** Addresses whose leases an isolate remembers; past it the oldest is forgotten (its tokens dropped). */
export const MAX_LEASED_ADDRESSES = 10_000;

interface Lease {
  perMinute: number;
  tokens: number;
  grantedAt: number;
  lastGrant: number;
  /** The round trip under way, shared by every request that arrives while it is. */
  pending: Promise<RateLease | null> | null;
  /** Requests waiting on `pending` beside the one that started it. */
  waiting: number;
  /** Requests that were waiting when the last lease came back: the next lease asks for as many. */
  demand: number;
}

const leases = new Map<string, Lease>();

/** Takes one public-request token for `address`, from this isolate's lease when it holds one. */
export async function takePublicToken(env: Env, address: string): Promise<RateVerdict> {
  const perMinute = limitPerMinute(env, "public");
  const cap = Math.max(1, Math.floor(perMinute / LEASE_SHARE));
  for (;;) {
    const lease = leaseOf(address, perMinute);
    if (lease.tokens > 0 && Date.now() - lease.grantedAt < LEASE_LIFETIME_MS) {
      lease.tokens--;
      return { isAllowed: true, retryAfterSeconds: 0, perMinute };
    }
    if (lease.pending) {
      lease.waiting++;
      const answer = await lease.pending;
      if (answer === null) return { isAllowed: true, retryAfterSeconds: 0, perMinute };
      if (answer.granted === 0) return { isAllowed: false, retryAfterSeconds: answer.retryAfterSeconds, perMinute };
      continue; // take from what came back, or start the next lease
    }
    const grewFast = lease.lastGrant > 0 && Date.now() - lease.grantedAt < LEASE_GROWTH_WINDOW_MS;
    const want = Math.min(cap, Math.max(1, lease.demand, grewFast ? 2 * lease.lastGrant : 1));
    lease.tokens = 0;
    lease.waiting = 0;
    lease.pending = requestLease(env, address, perMinute, want);
    const answer = await lease.pending;
    lease.pending = null;
    lease.demand = lease.waiting;
    if (answer === null) return { isAllowed: true, retryAfterSeconds: 0, perMinute };
    lease.grantedAt = Date.now();
    lease.lastGrant = answer.granted;
    if (answer.granted === 0) return { isAllowed: false, retryAfterSeconds: answer.retryAfterSeconds, perMinute };
    // This request spends the first token; the rest wait for the requests resuming after it.
    lease.tokens = answer.granted - 1;
    return { isAllowed: true, retryAfterSeconds: 0, perMinute };
  }
}

function leaseOf(address: string, perMinute: number): Lease {
  let lease = leases.get(address);
  // A changed limit (a deploy with a new setting) forgets the lease taken under the old one.
  if (lease && lease.perMinute !== perMinute && !lease.pending) lease = undefined;
  if (lease) {
    leases.delete(address); // re-inserted below: the map's order is least recently used first
  } else {
    lease = { perMinute, tokens: 0, grantedAt: 0, lastGrant: 0, pending: null, waiting: 0, demand: 0 };
  }
  leases.set(address, lease);
  if (leases.size > MAX_LEASED_ADDRESSES) leases.delete(leases.keys().next().value!);
  return lease;
}

/** A lease from the address's RateLimiter, or null if it cannot be reached: a broken limiter must not take the public API down with it. */
async function requestLease(env: Env, address: string, perMinute: number, want: number): Promise<RateLease | null> {
  try {
    return await env.RateLimiter.getByName(`public:${address}`).lease(perMinute, want);
  } catch (error) {
    logEvent("rate_limiter_failed", { rule: "public", error });
    return null;
  }
}
