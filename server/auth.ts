import { errors, jwtVerify, SignJWT } from "jose";
import { roomClaimCovers, ROLES_BY_KIND, VerifiedTokenClaims, type RoomKind, type TokenClaims } from "../protocol/index.ts";

/**
 * Secret for development tokens. It is public on purpose: tokens signed with it are
 * accepted only while DEV_TOKENS is "on", which `env.production` never sets.
 */
const DEV_TOKEN_SECRET = "edgeroom-development-tokens-are-not-secret";
/** Lifetime of a development token. */
export const DEV_TOKEN_TTL_SECONDS = 60 * 60;
/** Tokens longer than this are refused before any crypto runs. */
const MAX_TOKEN_CHARS = 4096;

export interface AuthConfig {
  AUTH_SECRET?: string;
  DEV_TOKENS?: string;
}

export type AuthResult =
  | { ok: true; claims: VerifiedTokenClaims }
  | { ok: false; status: 401 | 403 | 503; code: string; message: string };

export function isDevTokensOn(config: AuthConfig): boolean {
  return config.DEV_TOKENS === "on";
}

function secretsOf(config: AuthConfig): Uint8Array[] {
  const secrets: string[] = [];
  if (config.AUTH_SECRET) secrets.push(config.AUTH_SECRET);
  if (isDevTokensOn(config)) secrets.push(DEV_TOKEN_SECRET);
  return secrets.map((s) => new TextEncoder().encode(s));
}

/** The bearer token of a request: `?token=` (browsers cannot set WebSocket headers) or `Authorization: Bearer`. */
export function tokenOf(request: Request): string | null {
  const fromQuery = new URL(request.url).searchParams.get("token");
  if (fromQuery) return fromQuery;
  const header = request.headers.get("Authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/** Verifies a token and checks that it grants a role of `kind` on `path`. */
export async function authorize(
  config: AuthConfig,
  token: string | null,
  kind: RoomKind,
  path: string,
): Promise<AuthResult> {
  const secrets = secretsOf(config);
  if (secrets.length === 0) {
    return { ok: false, status: 503, code: "auth_not_configured", message: "authentication is not configured: set the AUTH_SECRET secret" };
  }
  if (!token) return { ok: false, status: 401, code: "missing_token", message: "a token is required: pass ?token= or Authorization: Bearer" };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, status: 401, code: "malformed_token", message: "token is too long" };

  let payload: unknown = null;
  let failure: AuthResult | null = null;
  for (const secret of secrets) {
    try {
      payload = (await jwtVerify(token, secret, { algorithms: ["HS256"], requiredClaims: ["exp"] })).payload;
      break;
    } catch (error) {
      failure = describeJwtFailure(error);
      if (failure.ok === false && failure.code !== "bad_signature") break;
    }
  }
  if (payload === null) return failure ?? { ok: false, status: 401, code: "invalid_token", message: "token is invalid" };

  const claims = VerifiedTokenClaims.safeParse(payload);
  if (!claims.success) {
    return { ok: false, status: 401, code: "invalid_claims", message: "token claims must include sub, room and role" };
  }
  if (!roomClaimCovers(claims.data.room, path)) {
    return { ok: false, status: 403, code: "room_out_of_scope", message: `token is for ${claims.data.room}, not ${path}` };
  }
  const roles: readonly string[] = ROLES_BY_KIND[kind];
  if (!roles.includes(claims.data.role)) {
    return { ok: false, status: 403, code: "role_not_allowed", message: `role must be one of ${roles.join(", ")} for ${kind} rooms` };
  }
  return { ok: true, claims: claims.data };
}

function describeJwtFailure(error: unknown): AuthResult {
  if (error instanceof errors.JWTExpired) return { ok: false, status: 401, code: "token_expired", message: "token has expired" };
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { ok: false, status: 401, code: "bad_signature", message: "token signature is invalid" };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { ok: false, status: 401, code: "invalid_claims", message: `token claim "${error.claim}" is invalid` };
  }
  return { ok: false, status: 401, code: "malformed_token", message: "token is not a well-formed HS256 JWT" };
}

/** Signs a development token. Only the dev-token route calls this, and only while DEV_TOKENS is "on". */
export async function signDevToken(claims: TokenClaims, nowSeconds: number): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = nowSeconds + DEV_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(nowSeconds)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(DEV_TOKEN_SECRET));
  return { token, expiresAt };
}
