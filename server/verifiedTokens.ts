import { jwtVerify, type JWTPayload, type JWTVerifyOptions } from "jose";

/**
 * Tokens whose signature and claims jose accepted, kept per isolate, at most this many (the oldest
 * goes first). Each is a few hundred bytes; only tokens that passed are kept, so filling it takes
 * tokens signed with the service's key.
 */
export const MAX_VERIFIED_TOKENS = 1_000;

interface Verified {
  key: CryptoKey;
  payload: JWTPayload;
}

/** By token string, audience and issuer: what jwtVerify checked besides the key and the clock. */
const verified = new Map<string, Verified>();

/**
 * jose's jwtVerify, remembered: a token that passed with this key, audience and issuer is not
 * verified again while its `exp` (and any `nbf`) still holds. Reconnects and a user's tabs present
 * the same token, and a join storm verified it once per socket: an HMAC, a JSON parse and jose's
 * claim checks at the edge each time. The key must be the same CryptoKey object (hmacKey.ts keeps
 * one per secret), so another secret, a rotated one included, verifies afresh; a token that fails
 * is never kept, and one whose time ran out is verified again, so jose gives its usual error.
 */
export async function verifyToken(token: string, key: CryptoKey, options: JWTVerifyOptions & { algorithms: string[]; requiredClaims: string[] }): Promise<{ payload: JWTPayload }> {
  const id = `${JSON.stringify([options.audience ?? null, options.issuer ?? null])}${token}`;
  const known = verified.get(id);
  const nowSeconds = Math.floor(Date.now() / 1000); // as jose reads the clock
  if (known && known.key === key && isCurrent(known.payload, nowSeconds)) return { payload: known.payload };
  const { payload } = await jwtVerify(token, key, options);
  if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
  verified.delete(id);
  verified.set(id, { key, payload });
  return { payload };
}

/** What jwtVerify checks against the clock, as it checks it (no clock tolerance is given): exp is required. */
function isCurrent(payload: JWTPayload, nowSeconds: number): boolean {
  if (typeof payload.exp !== "number" || payload.exp <= nowSeconds) return false;
  return payload.nbf === undefined || (typeof payload.nbf === "number" && payload.nbf <= nowSeconds);
}
