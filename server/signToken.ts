import { SignJWT } from "jose";
import type { TokenClaims } from "../protocol/identity.ts";
import { hmacKey } from "./hmacKey.ts";

export interface SignTokenOptions {
  /** The token's `iat`, in seconds since the epoch. */
  issuedAtSeconds: number;
  /** `exp - iat`, in seconds. */
  ttlSeconds: number;
  /** The `aud` claim, when the service checks one (AUTH_AUDIENCE). */
  audience?: string;
  /** The `iss` claim, when the service checks one (AUTH_ISSUER). */
  issuer?: string;
}

/**
 * Signs claims the caller has already checked as an HS256 JWT with `iat` and `exp`: the one signing
 * path for development tokens (server/auth.ts) and backends' tokens (server/token.ts), so both carry
 * the same header and claims. Imports only jose and WebCrypto, so it runs in Workers, Node, Bun and Deno alike.
 */
export async function signToken(
  claims: TokenClaims,
  key: Uint8Array,
  { issuedAtSeconds, ttlSeconds, audience, issuer }: SignTokenOptions,
): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = issuedAtSeconds + ttlSeconds;
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(issuedAtSeconds)
    .setExpirationTime(expiresAt);
  if (audience) jwt.setAudience(audience);
  if (issuer) jwt.setIssuer(issuer);
  return { token: await jwt.sign(await hmacKey(key)), expiresAt };
}
