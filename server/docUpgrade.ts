import { ROOM_ID_PATTERN, roomPath, type ErrorBody } from "../protocol/index.ts";
import { logEvent } from "../rooms/log.ts";
import { authorize, tokenOf } from "./auth.ts";
import { configuredAuthorize, configuredOrigins } from "./configured.ts";
import { isLoopbackRequest } from "./loopback.ts";
import { isOriginAllowed, originPolicy } from "./origins.ts";
import { choosePlacement } from "./placement.ts";
import { forwardedRequest } from "./routes/roomForward.ts";

/** The document socket's path as the router sees it: `/v1/doc/{roomId}`, the id still to be checked. */
const DOC_SOCKET_PATH = /^\/v1\/doc\/([^/?#]+)$/;

/** The Worker's fetch handler shape: the Hono app's `fetch`. */
type Fetch = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/**
 * A document socket's upgrade that passes every check, answered without entering the Hono app: a
 * join storm paid, per socket, the router, two middlewares, a context, the Server-Timing and CORS
 * wrappers (which leave a 101 alone) and four parses of the URL (the token, the loopback rule, the
 * region, the forwarded request), all before the room's own work. Here the URL is parsed once and
 * the forwarded request built from it; the checks are the ones the app's route makes (origin, room
 * id, token with the loopback rule and expiry, region), through the same functions.
 *
 * Anything else goes to `app`, refusals included, which answers as always (the status, the error
 * body, the log line, the headers): this path never answers a refusal itself. A config with an
 * `authorize` hook always goes to the app, so the hook runs once per request.
 */
export function docUpgrade(request: Request, env: Env, ctx: ExecutionContext, app: Fetch): Response | Promise<Response> {
  if (request.method !== "GET" || request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || configuredAuthorize()) return app(request, env, ctx);
  const raw = request.url;
  // The path as the router reads it: from the first "/" after the scheme's "://" to the query.
  const start = raw.indexOf("/", raw.indexOf(":") + 3);
  const end = raw.indexOf("?", start);
  const roomId = DOC_SOCKET_PATH.exec(end === -1 ? raw.slice(start) : raw.slice(start, end))?.[1];
  if (roomId === undefined || !ROOM_ID_PATTERN.test(roomId)) return app(request, env, ctx);
  const url = new URL(raw);
  const origin = request.headers.get("Origin");
  if (origin !== null && !isOriginAllowed(origin, originPolicy(configuredOrigins() ?? env.ALLOWED_ORIGINS, url))) return app(request, env, ctx);
  return connect(request, env, ctx, app, url, roomId);
}

async function connect(request: Request, env: Env, ctx: ExecutionContext, app: Fetch, url: URL, roomId: string): Promise<Response> {
  try {
    const path = roomPath("doc", roomId);
    const auth = await authorize(env, tokenOf(request, url), "doc", path, { isLoopback: isLoopbackRequest(request, url) });
    const placement = choosePlacement(request, url);
    // A refusal: the app checks again and answers it, as it answers every request this path leaves.
    if (!auth.ok || !placement.ok) return await app(request, env, ctx);
    const room = env.DocRoom.getByName(roomId, { locationHint: placement.hint });
    return await room.fetch(forwardedRequest(request, url, auth.claims, path, placement.hint));
  } catch (error) {
    // As the app's onError answers (server/app.ts): logged, and a 500 with no detail.
    logEvent("request_failed", { method: request.method, path: url.pathname, error });
    return Response.json({ error: { code: "internal", message: "internal error" } } satisfies ErrorBody, { status: 500 });
  }
}
