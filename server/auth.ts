import { errors, type JWTPayload } from "jose";
import { roomClaimCovers, ROLES_BY_KIND, VerifiedTokenClaims, type RoomKind, type TokenClaims } from "../protocol/index.ts";
import { hmacKey } from "./hmacKey.ts";
import type { ConfigRefusal } from "./secretLength.ts";
import { signToken } from "./signToken.ts";
import { resolveTokenPolicy, tokenLifetimeSeconds, type TokenSettings } from "./tokenPolicy.ts";
import { verifyToken } from "./verifiedTokens.ts";

/**
 * Secret for development tokens. It is public on purpose: tokens signed with it are accepted
 * only while DEV_TOKENS is "on" (local runs set it, wrangler.toml never does) and only for a
 * request to a loopback host (server/loopback.ts).
 */
const DEV_TOKEN_SECRET = "edgeroom-development-tokens-are-not-secret";
/** The development secret's bytes, encoded once: every verify (while DEV_TOKENS is on) tries its key. */
const DEV_TOKEN_SECRET_BYTES = new TextEncoder().encode(DEV_TOKEN_SECRET);
/** Lifetime of a development token. */
export const DEV_TOKEN_TTL_SECONDS = 60 * 60;
/** Tokens longer than this are refused before any crypto runs. */
const MAX_TOKEN_CHARS = 4096;

export interface AuthConfig extends TokenSettings {
  DEV_TOKENS?: string;
}

export type AuthResult =
  | { ok: true; claims: VerifiedTokenClaims }
  | {
      ok: false;
      status: 401 | 403 | 503;
      code: string;
      message: string;
      /** A refusal the operator must fix logs its own event instead of `auth_refused`. */
      log?: ConfigRefusal["log"];
    };

export function isDevTokensOn(config: AuthConfig): boolean {
  return config.DEV_TOKENS === "on";
}

/** Message for development tokens outside a loopback host. */
export const DEV_TOKENS_LOOPBACK_ONLY = "development tokens work only on a loopback host (127.0.0.1, localhost, [::1])";

/** The bearer token of a request: `?token=` (browsers cannot set WebSocket headers) or `Authorization: Bearer`. `url`: the request's, if parsed already. */
export function tokenOf(request: Request, url = new URL(request.url)): string | null {
  const fromQuery = url.searchParams.get("token");
  if (fromQuery) return fromQuery;
  const header = request.headers.get("Authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/**
 * Verifies a token and checks that it grants a role of `kind` on `path`. `isLoopback` says whether
 * the request is the developer's own (server/loopback.ts); development tokens need it.
 */
export async function authorize(
  config: AuthConfig,
  token: string | null,
  kind: RoomKind,
  path: string,
  { isLoopback = false }: { isLoopback?: boolean } = {},
): Promise<AuthResult> {
  const resolved = resolveTokenPolicy(config);
  if (!resolved.ok) return { ok: false, ...resolved.refusal };
  const { policy } = resolved;
  const keys = policy.secrets.map((key) => ({ key, isDevelopment: false }));
  if (isDevTokensOn(config)) keys.push({ key: DEV_TOKEN_SECRET_BYTES, isDevelopment: true });
  if (keys.length === 0) {
    return { ok: false, status: 503, code: "auth_not_configured", message: "authentication is not configured: set the AUTH_SECRET secret" };
  }
  if (!token) return { ok: false, status: 401, code: "missing_token", message: "a token is required: pass ?token= or Authorization: Bearer" };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, status: 401, code: "malformed_token", message: "token is too long" };

  let verified: { payload: JWTPayload; isDevelopment: boolean } | null = null;
  let failure: AuthResult | null = null;
  for (const { key, isDevelopment } of keys) {
    try {
      const { payload } = await verifyToken(token, await hmacKey(key), {
        algorithms: ["HS256"],
        requiredClaims: ["exp"],
        audience: policy.audience,
        issuer: policy.issuer,
      });
      verified = { payload, isDevelopment };
      break;
    } catch (error) {
      failure = describeJwtFailure(error);
      if (failure.ok === false && failure.code !== "bad_signature") break;
    }
  }
  if (verified === null) return failure ?? { ok: false, status: 401, code: "invalid_token", message: "token is invalid" };
  if (verified.isDevelopment && !isLoopback) {
    return { ok: false, status: 403, code: "dev_tokens_loopback_only", message: DEV_TOKENS_LOOPBACK_ONLY };
  }
  // jwtVerify required `exp` and checked that `exp` and `iat` (when present) are numbers.
  const { exp, iat } = verified.payload;
  const lifetime = tokenLifetimeSeconds(exp!, iat, Math.floor(Date.now() / 1000));
  if (lifetime > policy.maxLifetimeSeconds) {
    return {
      ok: false,
      status: 401,
      code: "token_lifetime_too_long",
      message: `token lives ${lifetime} s, longer than the ${policy.maxLifetimeSeconds} s this service accepts (MAX_TOKEN_LIFETIME_SECONDS)`,
    };
  }

  const claims = claimsOf(verified.payload);
  if (!claims.success) {
    const issue = claims.error.issues[0];
    const claim = issue?.path.join(".");
    const message = claim ? `token claim "${claim}" is invalid: ${issue!.message}` : "token claims must include sub, room and role";
    return { ok: false, status: 401, code: "invalid_claims", message };
  }
  if (!roomClaimCovers(claims.data.room, path)) {
    return { ok: false, status: 403, code: "room_out_of_scope", message: `token is for ${claims.data.room}, not ${path}` };
  }
  const roles: readonly string[] = ROLES_BY_KIND[kind];
  if (!roles.includes(claims.data.role)) {
    return { ok: false, status: 403, code: "role_not_allowed", message: `role must be one of ${roles.join(", ")} for ${kind} rooms` };
  }
  return { ok: true, claims: { ...claims.data } };
}

/**
 * The claims of a verified payload, parsed once per payload: a remembered token (verifiedTokens.ts)
 * comes back as the same payload object, and a join storm's sockets, presenting one token, each ran
 * the same zod parse of it. Checks that depend on the request (room, role, lifetime) still run each time.
 */
const parsedClaims = new WeakMap<JWTPayload, ReturnType<typeof VerifiedTokenClaims.safeParse>>();

function claimsOf(payload: JWTPayload): ReturnType<typeof VerifiedTokenClaims.safeParse> {
  let parsed = parsedClaims.get(payload);
  if (!parsed) parsedClaims.set(payload, (parsed = VerifiedTokenClaims.safeParse(payload)));
  return parsed;
}

function describeJwtFailure(error: unknown): AuthResult {
  if (error instanceof errors.JWTExpired) return { ok: false, status: 401, code: "token_expired", message: "token has expired" };
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { ok: false, status: 401, code: "bad_signature", message: "token signature is invalid" };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { ok: false, status: 401, code: "invalid_claims", message: describeClaimFailure(error.claim, error.reason) };
  }
  return { ok: false, status: 401, code: "malformed_token", message: "token is not a well-formed HS256 JWT" };
}

function describeClaimFailure(claim: string, reason: string): string {
  if (claim === "exp" && reason === "missing") return "token has no exp claim";
  if (claim === "aud") return 'token claim "aud" is missing or does not name this service (AUTH_AUDIENCE)';
  if (claim === "iss") return 'token claim "iss" is missing or is not this service\'s issuer (AUTH_ISSUER)';
  return `token claim "${claim}" is invalid`;
}

/**
 * Signs a development token. Only the dev-token route calls this, and only while DEV_TOKENS is "on"
 * and for a loopback request. It names AUTH_AUDIENCE and AUTH_ISSUER when they are set, so a local
 * run configured like production still accepts its own development tokens.
 */
export async function signDevToken(
  claims: TokenClaims,
  nowSeconds: number,
  config: Pick<TokenSettings, "AUTH_AUDIENCE" | "AUTH_ISSUER"> = {},
): Promise<{ token: string; expiresAt: number }> {
  return signToken(claims, DEV_TOKEN_SECRET_BYTES, {
    issuedAtSeconds: nowSeconds,
    ttlSeconds: DEV_TOKEN_TTL_SECONDS,
    audience: config.AUTH_AUDIENCE,
    issuer: config.AUTH_ISSUER,
  });
}
