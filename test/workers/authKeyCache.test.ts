// Issue 17, joins: a token check imports the secret's CryptoKey once, not on every verify.
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { authorize } from "../../server/auth.ts";
import { signToken } from "../../server/signToken.ts";

const VERIFIES = 5;

afterEach(() => vi.restoreAllMocks());

it(`${VERIFIES} verifies and signs with one secret import its key once`, async () => {
  // A secret no other test uses, so nothing imported its key before.
  const secret = `key-cache-secret-${crypto.randomUUID()}`;
  const config = { ...env, AUTH_SECRET: secret, DEV_TOKENS: "off" };
  const issuedAtSeconds = Math.floor(Date.now() / 1000);
  const importKey = vi.spyOn(crypto.subtle, "importKey");
  for (let n = 0; n < VERIFIES; n++) {
    const { token } = await signToken({ sub: `u${n}`, room: "doc/cached", role: "editor" }, new TextEncoder().encode(secret), { issuedAtSeconds, ttlSeconds: 600 });
    const result = await authorize(config, token, "doc", "doc/cached");
    expect(result.ok, `verify ${n + 1}`).toBe(true);
  }
  expect(importKey, "CryptoKey imports").toHaveBeenCalledTimes(1);
  // A token signed with another secret is still refused: the cached key is the configured one.
  const { token: forged } = await signToken({ sub: "u", room: "doc/cached", role: "editor" }, new TextEncoder().encode(`${secret}-other`), { issuedAtSeconds, ttlSeconds: 600 });
  expect(await authorize(config, forged, "doc", "doc/cached")).toMatchObject({ ok: false, status: 401 });
});
