import type { MiddlewareHandler } from "hono";
import { logEvent } from "../rooms/log.ts";
import type { AppEnv } from "./app.ts";
import { configuredOrigins } from "./configured.ts";
import { jsonError } from "./errors.ts";
import { isLoopbackHostname } from "./loopback.ts";

/** The admin API: never answers CORS, so no page can read it whatever ALLOWED_ORIGINS says. */
const ADMIN_PREFIX = "/v1/admin";
/** What a page may send cross-origin: the public routes are GETs and POSTs with a bearer token and a JSON body. */
const ALLOW_METHODS = "GET, POST";
const ALLOW_HEADERS = "Authorization, Content-Type";
/** Response headers a page may read: the rate limiter's and the timings. */
const EXPOSE_HEADERS = "Retry-After, Server-Timing";
/** How long a browser may reuse a preflight answer, in seconds; short, so a changed ALLOWED_ORIGINS applies soon. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Which origins' pages may reach the service. A browser always sends `Origin` on a WebSocket
 * upgrade and on cross-origin fetches, and a page cannot forge it; a request without one comes
 * from a server, a script or a native app, which no web page can make a user's browser send.
 *
 * - createEdgeroom's `origins`, else `ALLOWED_ORIGINS` (comma-separated origins, or `*` for any): exactly those.
 * - unset, and the request came to a loopback host (a local run): loopback pages only, on any
 *   port, so a web page a developer visits cannot reach their local rooms (or sign development tokens).
 * - unset otherwise (deployed): the service's own origin only, which is what the demo needs.
 */
export type OriginPolicy = { kind: "any" } | { kind: "listed"; origins: ReadonlySet<string> } | { kind: "loopback" } | { kind: "same"; origin: string };

export function originPolicy(allowedOrigins: string | undefined, requestUrl: URL): OriginPolicy {
  if (allowedOrigins !== undefined && allowedOrigins.trim() !== "") return parseAllowedOrigins(allowedOrigins);
  if (isLoopbackHostname(requestUrl.hostname)) return { kind: "loopback" };
  return { kind: "same", origin: requestUrl.origin };
}

export function isOriginAllowed(origin: string, policy: OriginPolicy): boolean {
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  switch (policy.kind) {
    case "any":
      return true;
    case "listed":
      return policy.origins.has(parsed.origin);
    case "loopback":
      return isLoopbackHostname(parsed.hostname);
    case "same":
      return parsed.origin === policy.origin;
  }
}

/**
 * Refuses requests from pages of origins the policy does not allow (403, before any handler
 * runs, so a refused upgrade never reaches a room), answers CORS preflights of the public
 * routes, and marks their answers readable by the allowed page. Admin routes get no CORS header.
 */
export function checkOrigins(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header("Origin");
    if (origin === undefined) return next();
    const url = new URL(c.req.url);
    if (!isOriginAllowed(origin, originPolicy(configuredOrigins() ?? c.env.ALLOWED_ORIGINS, url))) {
      logEvent("origin_refused", { path: url.pathname, origin: origin.slice(0, 200) });
      return jsonError(c, 403, "origin_not_allowed", "pages of this origin may not use this service: see ALLOWED_ORIGINS");
    }
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) return next();
    if (c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method") !== undefined) {
      return new Response(null, {
        status: 204,
        headers: {
          "Access-Control-Allow-Origin": origin,
          "Access-Control-Allow-Methods": ALLOW_METHODS,
          "Access-Control-Allow-Headers": ALLOW_HEADERS,
          "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
          Vary: "Origin",
        },
      });
    }
    await next();
    // A WebSocket upgrade's headers cannot be changed, and CORS does not apply to it.
    if (c.res.status === 101) return;
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    c.res.headers.append("Vary", "Origin");
  };
}

/** The last ALLOWED_ORIGINS value parsed: it is read on every request and changes only with a deploy. */
let parsedAllowed: { value: string; policy: OriginPolicy } | null = null;

function parseAllowedOrigins(value: string): OriginPolicy {
  if (parsedAllowed?.value === value) return parsedAllowed.policy;
  const entries = value.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  let policy: OriginPolicy;
  if (entries.includes("*")) policy = { kind: "any" };
  else {
    const origins = new Set<string>();
    for (const entry of entries) {
      const parsed = parseOrigin(entry);
      // A wrong entry admits nothing (it fails closed) and says so once per value.
      if (parsed) origins.add(parsed.origin);
      else logEvent("allowed_origin_invalid", { entry: entry.slice(0, 200) });
    }
    policy = { kind: "listed", origins };
  }
  parsedAllowed = { value, policy };
  return policy;
}

/** An origin as the URL standard serializes it (lower-case host, default port dropped), or null for `null` and junk. */
function parseOrigin(text: string): { origin: string; hostname: string } | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return { origin: url.origin, hostname: url.hostname };
}
