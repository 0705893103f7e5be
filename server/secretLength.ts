/**
 * Shortest AUTH_SECRET, AUTH_SECRET_PREVIOUS or ADMIN_TOKEN accepted, in bytes: HS256 keys are
 * 256 bits, and a short secret can be guessed offline from a single token it signed.
 */
export const MIN_SECRET_BYTES = 32;

/** A configuration the operator must fix: the client's 503 and the operator's log line. */
export interface ConfigRefusal {
  status: 503;
  code: string;
  message: string;
  log: { event: string; fields: Record<string, unknown> };
}

/**
 * Refuses a secret shorter than MIN_SECRET_BYTES (UTF-8 bytes, as HMAC keys them). Checked where
 * the secret is used, so a deploy with a weak one answers 503 instead of quietly accepting it.
 * The client's message names the variable and the minimum, never the secret's length.
 */
export function checkSecretLength(variable: string, value: string): ConfigRefusal | null {
  const bytes = new TextEncoder().encode(value).byteLength;
  if (bytes >= MIN_SECRET_BYTES) return null;
  return {
    status: 503,
    code: "secret_too_short",
    message: `${variable} is shorter than ${MIN_SECRET_BYTES} bytes: set one of at least ${MIN_SECRET_BYTES} bytes (for example: openssl rand -base64 32)`,
    log: { event: "secret_too_short", fields: { variable, bytes, minBytes: MIN_SECRET_BYTES } },
  };
}
