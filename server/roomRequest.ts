import type { Context } from "hono";
import type { Region, RoomKind, VerifiedTokenClaims } from "../protocol/index.ts";
import { logEvent } from "../rooms/log.ts";
import { authorize, tokenOf } from "./auth.ts";
import { authorizeWithHook } from "./authorizeHook.ts";
import { configuredAuthorize } from "./configured.ts";
import type { AppEnv } from "./app.ts";
import { jsonError } from "./errors.ts";
import { isLoopbackRequest } from "./loopback.ts";
import { choosePlacement } from "./placement.ts";
import { timed } from "./timing.ts";

/**
 * The checks every room socket passes at the edge, in order: the token (401/403/503), the
 * region (400), and the upgrade itself (426, so a client whose upgrade failed can learn why
 * with a plain GET). Returns the verified claims and placement, or the error response.
 */
export async function checkRoomRequest(
  c: Context<AppEnv>,
  kind: RoomKind,
  path: string,
): Promise<{ claims: VerifiedTokenClaims; hint: Region | undefined } | Response> {
  const claims = await authorizeRoom(c, kind, path);
  if (claims instanceof Response) return claims;
  const placement = choosePlacement(c.req.raw);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "upgrade_required", "connect with a WebSocket");
  }
  return { claims, hint: placement.hint };
}

/**
 * The request's token, checked for `path` (401/403/503), timed as `auth` and logged when refused:
 * every route that takes a token goes through here. A config with an `authorize` hook
 * (createEdgeroom's `auth`) replaces the token check with the hook, development tokens included.
 */
export async function authorizeRoom(c: Context<AppEnv>, kind: RoomKind, path: string): Promise<VerifiedTokenClaims | Response> {
  const hook = configuredAuthorize();
  const isLoopback = isLoopbackRequest(c.req.raw);
  const auth = await timed(c, "auth", () =>
    hook ? authorizeWithHook(hook, c.req.raw, c.env, kind, path) : authorize(c.env, tokenOf(c.req.raw), kind, path, { isLoopback }),
  );
  if (auth.ok) return auth.claims;
  if (auth.log) logEvent(auth.log.event, auth.log.fields);
  else logEvent("auth_refused", { room: path, status: auth.status, code: auth.code });
  return jsonError(c, auth.status, auth.code, auth.message);
}
