// Issue 17, joins: a remembered token's claims are parsed once, not at every request. A join
// storm's sockets present one token; each request ran the same zod parse of its payload at the
// edge. What depends on the request (the room, the role, the lifetime, the loopback rule) still
// runs every time, and each request gets its own copy of the claims.
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { VerifiedTokenClaims } from "../../protocol/identity.ts";
import { authorize } from "../../server/auth.ts";
import { signToken } from "../../server/signToken.ts";

const USES = 5;

afterEach(() => vi.restoreAllMocks());

it(`one token used ${USES} times has its claims parsed once`, async () => {
  const secret = `claims-cache-secret-${crypto.randomUUID()}`;
  const config = { ...env, AUTH_SECRET: secret, DEV_TOKENS: "off" };
  const { token } = await signToken({ sub: "u", room: "doc/*", role: "editor" }, new TextEncoder().encode(secret), { issuedAtSeconds: Math.floor(Date.now() / 1000), ttlSeconds: 600 });
  const parse = vi.spyOn(VerifiedTokenClaims, "safeParse");
  const results = [];
  for (let n = 0; n < USES; n++) results.push(await authorize(config, token, "doc", `doc/claims-${n}`));
  for (const result of results) expect(result).toMatchObject({ ok: true, claims: { sub: "u", room: "doc/*", role: "editor" } });
  expect(parse, "claim parses").toHaveBeenCalledTimes(1);
  // Each request's claims are its own object.
  const [first, second] = results as { ok: true; claims: object }[];
  expect(first!.claims).not.toBe(second!.claims);
  // The checks after the parse still run per request: a game room is not a doc token's.
  expect(await authorize(config, token, "game", "game/arena/r1")).toMatchObject({ ok: false, status: 403 });
});
