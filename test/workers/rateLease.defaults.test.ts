// Issue 17, joins: the public per-address limit no longer costs a Durable Object round trip per
// request. Run by the "workers-defaults" project (120 public requests per address a minute).
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { RateLimiter } from "../../rooms/RateLimiter.ts";
import { BASE } from "./helpers.ts";

/** The default README states, and the largest lease under it (server/rateLease.ts: a tenth). */
const PUBLIC_PER_MINUTE = 120;
const LEASE_TOKENS = PUBLIC_PER_MINUTE / 10;
const REQUESTS = 100;

it(`${REQUESTS} requests from one address at once cost a few RateLimiter calls, not one each, and all pass`, async () => {
  const address = `198.51.100.${Date.now() % 250}`;
  // Count the calls this address's limiter serves, whatever its method is called.
  const stub = env.RateLimiter.getByName(`public:${address}`);
  let calls = 0;
  let depth = 0; // a method calling another (take -> lease) is one call
  const restore = await runInDurableObject(stub, (instance: RateLimiter) => {
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    const originals = Object.fromEntries(["take", "lease"].filter((m) => typeof proto[m] === "function").map((m) => [m, proto[m]]));
    for (const [name, original] of Object.entries(originals)) {
      proto[name] = function (this: unknown, ...args: unknown[]) {
        if (this === instance && depth === 0) calls++;
        depth++;
        try {
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } finally {
          depth--;
        }
      };
    }
    return () => Object.assign(proto, originals);
  });
  try {
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, () => exports.default.fetch(`${BASE}/v1/match/arena/open`, { headers: { "CF-Connecting-IP": address } })),
    );
    const statuses = await Promise.all(responses.map(async (r) => (await r.arrayBuffer(), r.status)));
    expect(statuses.filter((s) => s !== 200), "refused within the bound").toEqual([]);
    // One lease of one, then leases of up to a tenth of the bound for the requests that waited.
    expect(calls, "RateLimiter calls").toBeLessThanOrEqual(1 + Math.ceil(REQUESTS / LEASE_TOKENS) + 1);
  } finally {
    restore();
  }
});
