/**
 * HS256 keys imported once per secret. jose's jwtVerify and SignJWT.sign, given the secret's bytes,
 * import a CryptoKey on every call; a join verifies a token twice (the match request and the
 * socket), so the imports were a visible share of a join storm. The CryptoKey does the same
 * checks: the bytes are the same, only the import is shared.
 */

/** Secrets whose keys an isolate keeps: the current and previous AUTH_SECRET and the development one, with room to spare. Past it the cache starts over. */
const MAX_CACHED_SECRETS = 8;

const keys = new Map<string, Promise<CryptoKey>>();

/** An HMAC-SHA-256 key of these bytes, able to sign and verify; imported on every call (see hmacKey for the cached one). */
export function importHmacKey(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** The HS256 CryptoKey of `secret`, able to sign and verify, imported the first time it is asked for. */
export function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let id = "";
  for (const byte of secret) id += String.fromCharCode(byte); // one char per byte: distinct secrets, distinct ids
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= MAX_CACHED_SECRETS) keys.clear();
    key = importHmacKey(secret);
    // A failed import is not kept, so the next call tries again.
    key.catch(() => keys.delete(id));
    keys.set(id, key);
  }
  return key;
}
