// Issue 17, joins: a token already verified is not verified again while it is valid. A client's
// reconnects, and a user's tabs, present the same token; each verify was an HMAC over it plus
// jose's parse and claim checks at the edge, a visible share of a join storm. Only the exact token
// string that passed, with the same key, audience and issuer, is remembered; its `exp` is checked
// at every use, and everything after the signature (lifetime, claims, room, role, loopback) runs
// at every request as before.
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { authorize } from "../../server/auth.ts";
import { MAX_VERIFIED_TOKENS } from "../../server/verifiedTokens.ts";
import { signToken } from "../../server/signToken.ts";

const USES = 5;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function setup() {
  const secret = `verify-cache-secret-${crypto.randomUUID()}`;
  const config = { ...env, AUTH_SECRET: secret, DEV_TOKENS: "off" };
  const sign = (claims: { sub: string; room: string; role: string }, ttlSeconds = 600, key = secret) =>
    signToken(claims, new TextEncoder().encode(key), { issuedAtSeconds: Math.floor(Date.now() / 1000), ttlSeconds }).then((t) => t.token);
  return { config, sign };
}

it(`one token used ${USES} times has its signature checked once`, async () => {
  const { config, sign } = setup();
  const token = await sign({ sub: "u", room: "doc/verify-cache", role: "editor" });
  const verify = vi.spyOn(crypto.subtle, "verify");
  for (let n = 0; n < USES; n++) {
    expect(await authorize(config, token, "doc", "doc/verify-cache"), `use ${n + 1}`).toMatchObject({ ok: true, claims: { sub: "u" } });
  }
  expect(verify, "HMAC verifications").toHaveBeenCalledTimes(1);
  // What follows the signature still runs per request: another room is out of the token's scope.
  expect(await authorize(config, token, "doc", "doc/elsewhere")).toMatchObject({ ok: false, status: 403, code: "room_out_of_scope" });
});

it("a remembered token's forgeries and other keys are refused, and it is refused once expired", async () => {
  const { config, sign } = setup();
  const token = await sign({ sub: "u", room: "doc/verify-cache", role: "editor" }, 60);
  expect((await authorize(config, token, "doc", "doc/verify-cache")).ok).toBe(true);
  // The same header and claims with another signature.
  const [header, payload, signature] = token.split(".");
  const flipped = `${signature!.slice(0, -2)}${signature!.endsWith("AA") ? "BB" : "AA"}`;
  expect(await authorize(config, `${header}.${payload}.${flipped}`, "doc", "doc/verify-cache")).toMatchObject({ ok: false, status: 401 });
  // The same token where another secret is configured.
  expect(await authorize({ ...config, AUTH_SECRET: `${config.AUTH_SECRET}-rotated` }, token, "doc", "doc/verify-cache")).toMatchObject({ ok: false, status: 401, code: "bad_signature" });
  // Its exp passes: refused as expired, though it was remembered.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + 61_000);
  expect(await authorize(config, token, "doc", "doc/verify-cache")).toMatchObject({ ok: false, status: 401, code: "token_expired" });
});

it(`past ${MAX_VERIFIED_TOKENS} remembered tokens the oldest is verified again`, async () => {
  const { config, sign } = setup();
  const tokens = await Promise.all(Array.from({ length: MAX_VERIFIED_TOKENS + 1 }, (_, n) => sign({ sub: `u${n}`, room: "doc/verify-cache", role: "editor" })));
  for (const token of tokens) expect((await authorize(config, token, "doc", "doc/verify-cache")).ok).toBe(true);
  const verify = vi.spyOn(crypto.subtle, "verify");
  // The newest is still remembered; the first was pushed out by the last.
  expect((await authorize(config, tokens.at(-1)!, "doc", "doc/verify-cache")).ok).toBe(true);
  expect(verify, "verifications of a remembered token").toHaveBeenCalledTimes(0);
  expect((await authorize(config, tokens[0]!, "doc", "doc/verify-cache")).ok).toBe(true);
  expect(verify, "verifications of the token pushed out").toHaveBeenCalledTimes(1);
});
