/**
 * Webhook signatures: HMAC-SHA256 over `"<t>.<body>"`, sent as `Edgeroom-Signature: t=<unix seconds>,v1=<hex>`.
 * The timestamp is inside the signed text, so a captured request replayed later fails the tolerance check.
 * WebCrypto only (no node:crypto), so the same module signs in a Worker and verifies in Node 20+, Bun,
 * Deno or another Worker. It lives in protocol/ because both sides of the webhook share it.
 */

export const WEBHOOK_SIGNATURE_HEADER = "Edgeroom-Signature";
export const WEBHOOK_EVENT_ID_HEADER = "Edgeroom-Event-Id";
export const WEBHOOK_EVENT_TYPE_HEADER = "Edgeroom-Event-Type";

/**
 * Shortest webhook secret accepted, in bytes: the rule of AUTH_SECRET and ADMIN_TOKEN
 * (server/secretLength.ts MIN_SECRET_BYTES; a test keeps the two equal). A short HMAC key can be
 * guessed offline from one signed request.
 */
export const WEBHOOK_MIN_SECRET_BYTES = 32;

/** How far a signature's timestamp may be from the receiver's clock, in seconds, unless the receiver says otherwise. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** 64 hex digits (a SHA-256 MAC) as bytes, or null for anything else. */
function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * The `Edgeroom-Signature` header value for `body`, signed at `timestampSeconds` (unix seconds).
 *
 * @example
 * const header = await signWebhook(body, env.WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
 */
export async function signWebhook(body: string, secret: string, timestampSeconds: number): Promise<string> {
  const t = Math.floor(timestampSeconds);
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(`${t}.${body}`));
  return `t=${t},v1=${toHex(mac)}`;
}

/** Why a webhook request was refused. */
export type WebhookRefusal = "missing_header" | "malformed_header" | "timestamp_out_of_tolerance" | "signature_mismatch";

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: WebhookRefusal };

export interface VerifyWebhookOptions {
  /** Largest distance between the signature's time and `now`, in seconds; default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The receiver's clock, in ms since the epoch (for tests); default Date.now(). */
  now?: number;
}

/**
 * Checks a webhook request: `body` is the raw request body as text (verify before parsing it: a
 * re-serialised object does not match), `header` the `Edgeroom-Signature` value. Accepts a header with
 * several `v1=` entries (as during a secret rotation) if any matches. Compares in constant time
 * (WebCrypto's verify). Returns an object, not a boolean, so a forgotten `await` cannot read as success.
 *
 * @example
 * const body = await request.text();
 * const check = await verifyWebhook(body, request.headers.get("Edgeroom-Signature"), env.WEBHOOK_SECRET);
 * if (!check.ok) return new Response(check.reason, { status: 401 });
 * const event = parseRoomEvent(body);
 */
export async function verifyWebhook(
  body: string,
  header: string | null | undefined,
  secret: string,
  { toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS, now = Date.now() }: VerifyWebhookOptions = {},
): Promise<WebhookVerification> {
  if (!header) return { ok: false, reason: "missing_header" };
  let timestamp: number | null = null;
  const macs: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(",")) {
    const [name, value = ""] = part.trim().split("=", 2);
    if (name === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (name === "v1") {
      const mac = fromHex(value);
      if (mac) macs.push(mac);
    }
  }
  if (timestamp === null || macs.length === 0) return { ok: false, reason: "malformed_header" };
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: "timestamp_out_of_tolerance" };
  const key = await hmacKey(secret, "verify");
  const signed = encoder.encode(`${timestamp}.${body}`);
  for (const mac of macs) {
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return { ok: true, timestamp };
  }
  return { ok: false, reason: "signature_mismatch" };
}
