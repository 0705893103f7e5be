import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app.ts";
import { jsonError } from "./errors.ts";
import { takePublicToken } from "./rateLease.ts";

/** Hextets of an IPv6 address that name its network: one subscriber usually holds a whole /64. */
const IPV6_PREFIX_HEXTETS = 4;

/**
 * Limits requests per client address (PUBLIC_RATE_LIMIT_PER_MINUTE, default 120 a minute, in
 * bursts of as many): past it, 429 with Retry-After and the JSON error body. CORS preflights
 * pass uncounted, so a browser's call costs one token, not two. Tokens are leased to the isolate
 * in small batches (server/rateLease.ts says how that moves the bound).
 */
export function rateLimitByAddress(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return next();
    const verdict = await takePublicToken(c.env, clientAddress(c.req.raw));
    if (verdict.isAllowed) return next();
    c.header("Retry-After", String(verdict.retryAfterSeconds));
    return jsonError(c, 429, "rate_limited", `too many requests from this address (at most ${verdict.perMinute} a minute); retry in ${verdict.retryAfterSeconds} s`);
  };
}

/**
 * Who is asking: Cloudflare sets CF-Connecting-IP on every request it forwards (a client cannot
 * choose it there). Without it the request came from a local run, and all such requests share
 * one key, "local". An IPv6 address is keyed by its /64, so a host cannot dodge the limit by
 * walking its own network's addresses.
 */
export function clientAddress(request: Request): string {
  const ip = request.headers.get("CF-Connecting-IP")?.trim();
  if (!ip) return "local";
  // IPv4, or an IPv4-mapped IPv6 address (::ffff:1.2.3.4): keyed as given.
  if (!ip.includes(":") || ip.includes(".")) return ip;
  return `${ipv6Hextets(ip).slice(0, IPV6_PREFIX_HEXTETS).join(":")}::/64`;
}

/** The eight hextets of an IPv6 address, `::` expanded; anything unparseable is keyed as given. */
function ipv6Hextets(ip: string): string[] {
  const [head = "", tail] = ip.toLowerCase().split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = Math.max(0, 8 - left.length - right.length);
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right].map((h) => h.replace(/^0+(?=.)/, ""));
}
