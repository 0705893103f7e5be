import type { z } from "zod";
import { logEvent } from "../rooms/log.ts";
import { importHmacKey } from "./hmacKey.ts";

/**
 * Cursors a public route hands out: base64url JSON and an HMAC-SHA256 over it and its scope
 * (`{payload}.{mac}`). A client cannot forge or alter one, or carry one to another scope (another
 * board or period), so the server may trust what a cursor says, such as the rank it stopped at.
 */
export interface CursorSecrets {
  /** A dedicated key, so cursors can be rotated apart from tokens. */
  CURSOR_SECRET?: string;
  AUTH_SECRET?: string;
}

/** Domain separation: a cursor MAC is never a token signature made with the same secret. */
const KEY_LABEL = "edgeroom/signed-cursor/v1";
const keys = new Map<string, Promise<CryptoKey>>();
/** With no secret configured (a local run), a key drawn once per isolate: cursors live as long as it. */
let isolateKey: Promise<CryptoKey> | null = null;

function keyFor(secrets: CursorSecrets): Promise<CryptoKey> {
  const secret = secrets.CURSOR_SECRET || secrets.AUTH_SECRET;
  if (!secret) {
    if (!isolateKey) {
      logEvent("cursor_key_ephemeral", { reason: "neither CURSOR_SECRET nor AUTH_SECRET is set: cursors are valid in this isolate only" });
      isolateKey = importHmacKey(crypto.getRandomValues(new Uint8Array(32)));
    }
    return isolateKey;
  }
  let key = keys.get(secret);
  if (!key) {
    key = deriveKey(secret);
    keys.set(secret, key);
  }
  return key;
}

async function deriveKey(secret: string): Promise<CryptoKey> {
  const master = await importHmacKey(new TextEncoder().encode(secret));
  return importHmacKey(new Uint8Array(await crypto.subtle.sign("HMAC", master, new TextEncoder().encode(KEY_LABEL))));
}

const signedText = (scope: string, payload: string) => new TextEncoder().encode(`${scope}\n${payload}`);

export async function signCursor(secrets: CursorSecrets, scope: string, value: unknown): Promise<string> {
  const payload = toBase64Url(new TextEncoder().encode(JSON.stringify(value)));
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secrets), signedText(scope, payload));
  return `${payload}.${toBase64Url(new Uint8Array(mac))}`;
}

/** The cursor's value, or null for anything this service did not sign for `scope`. */
export async function verifyCursor<T>(secrets: CursorSecrets, scope: string, text: string, schema: z.ZodType<T>): Promise<T | null> {
  const [payload, mac, ...rest] = text.split(".");
  if (!payload || !mac || rest.length > 0) return null;
  const macBytes = fromBase64Url(mac);
  const payloadBytes = fromBase64Url(payload);
  if (!macBytes || !payloadBytes) return null;
  // verify() compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", await keyFor(secrets), macBytes, signedText(scope, payload)))) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(payloadBytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  // btoa() takes Latin-1 only: encode the bytes one character each.
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
