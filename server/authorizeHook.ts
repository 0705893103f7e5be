import { ROLES_BY_KIND, RoomClaim, TokenClaims, roomClaimCovers, type RoomKind } from "../protocol/index.ts";
import type { AuthResult } from "./auth.ts";
import type { AuthorizeHook } from "./edgeroomConfig.ts";
import { resolveTokenPolicy } from "./tokenPolicy.ts";

/** What a hook may return: a token's claims, with `room` optional (default: the room asked for). */
const HookIdentity = TokenClaims.extend({ room: RoomClaim.optional() });

/**
 * Runs the user's `authorize` hook in place of the JWT check. `null` is 401. The identity it returns
 * passes the same checks a token's claims do: its role must fit the room kind and its `room`, when
 * given, must cover the path. It has no expiry of its own, so the room keeps the socket at most
 * MAX_TOKEN_LIFETIME_SECONDS (default 24 h), then closes it with 4440 and the client reconnects
 * through the hook again. A hook that throws or returns a malformed identity is the Worker's bug:
 * 503, logged with the reason, never the user's fault and never a stack.
 */
export async function authorizeWithHook(hook: AuthorizeHook, request: Request, env: Env, kind: RoomKind, path: string): Promise<AuthResult> {
  let returned: unknown;
  try {
    returned = await hook(request, env);
  } catch (error) {
    return hookFailure("authorize_failed", "the authorize hook threw", { error: String(error).slice(0, 500) });
  }
  if (returned === null || returned === undefined) {
    return { ok: false, status: 401, code: "not_authorized", message: "this request is not authorized" };
  }
  const identity = HookIdentity.safeParse(returned);
  if (!identity.success) {
    const issue = identity.error.issues[0];
    return hookFailure("authorize_invalid", "the authorize hook returned an invalid identity", { field: issue?.path.join("."), issue: issue?.message });
  }
  const room = identity.data.room ?? path;
  if (!roomClaimCovers(room, path)) {
    return { ok: false, status: 403, code: "room_out_of_scope", message: `identity is for ${room}, not ${path}` };
  }
  const roles: readonly string[] = ROLES_BY_KIND[kind];
  if (!roles.includes(identity.data.role)) {
    return { ok: false, status: 403, code: "role_not_allowed", message: `role must be one of ${roles.join(", ")} for ${kind} rooms` };
  }
  const policy = resolveTokenPolicy(env);
  if (!policy.ok) return { ok: false, ...policy.refusal };
  const exp = Math.floor(Date.now() / 1000) + policy.policy.maxLifetimeSeconds;
  return { ok: true, claims: { ...identity.data, room, exp } };
}

function hookFailure(code: string, message: string, fields: Record<string, unknown>): AuthResult {
  return { ok: false, status: 503, code, message, log: { event: code, fields } };
}
