// README "Tokens": what a token must be for the edge to accept it, beyond a good signature:
// rotation (AUTH_SECRET_PREVIOUS), audience and issuer when configured, a bounded lifetime,
// an `exp`, and a `room` claim whose wildcard covers whole path segments only.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../server/app.ts";
import { BASE, tryDocSocket } from "./helpers.ts";

const CURRENT = "the-current-secret-of-at-least-32-bytes";
const PREVIOUS = "the-previous-secret-of-at-least-32-bytes";
const nowSeconds = () => Math.floor(Date.now() / 1000);
const DAY_SECONDS = 24 * 60 * 60;

/** The deployed configuration, with `overrides` on top. */
const deployed = (overrides: Partial<Env> = {}): Env => ({ ...env, AUTH_SECRET: CURRENT, DEV_TOKENS: "off", ...overrides });

type Claims = Record<string, unknown>;
async function sign(claims: Claims, secret = CURRENT): Promise<string> {
  return new SignJWT({ sub: "u1", room: "doc/policy-room", role: "editor", exp: nowSeconds() + 600, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
}

/** Tries a socket to doc/`room` with `token`; the status, and the error code and message when refused. */
const connect = (token: string, target: Env = deployed(), room = "policy-room") => tryDocSocket(target, token, room);

describe("key rotation", () => {
  it("accepts a token signed with AUTH_SECRET_PREVIOUS while it is set", async () => {
    const token = await sign({}, PREVIOUS);
    expect(await connect(token, deployed({ AUTH_SECRET_PREVIOUS: PREVIOUS }))).toEqual({ status: 101 });
    expect(await connect(await sign({}), deployed({ AUTH_SECRET_PREVIOUS: PREVIOUS }))).toEqual({ status: 101 });
  });

  it("refuses it once AUTH_SECRET_PREVIOUS is removed", async () => {
    const token = await sign({}, PREVIOUS);
    expect(await connect(token)).toMatchObject({ status: 401, code: "bad_signature" });
  });
});

describe("audience and issuer", () => {
  const strict = deployed({ AUTH_AUDIENCE: "edgeroom", AUTH_ISSUER: "https://auth.example" });

  it("accept a token naming both when AUTH_AUDIENCE and AUTH_ISSUER are set", async () => {
    expect(await connect(await sign({ aud: "edgeroom", iss: "https://auth.example" }), strict)).toEqual({ status: 101 });
  });

  it("refuse a token for another audience, or none, with 401", async () => {
    for (const aud of ["another-service", undefined]) {
      const result = await connect(await sign({ aud, iss: "https://auth.example" }), strict);
      expect(result).toMatchObject({ status: 401, code: "invalid_claims" });
      expect(result.message).toContain("aud");
    }
  });

  it("refuse a token from another issuer, or none, with 401", async () => {
    for (const iss of ["https://evil.example", undefined]) {
      const result = await connect(await sign({ aud: "edgeroom", iss }), strict);
      expect(result).toMatchObject({ status: 401, code: "invalid_claims" });
      expect(result.message).toContain("iss");
    }
  });

  it("are not checked when not configured", async () => {
    expect(await connect(await sign({ aud: "anything", iss: "anyone" }))).toEqual({ status: 101 });
  });
});

describe("token lifetime", () => {
  it("accepts a token living exactly the default bound of 24 h", async () => {
    const iat = nowSeconds() - 60;
    expect(await connect(await sign({ iat, exp: iat + DAY_SECONDS }))).toEqual({ status: 101 });
  });

  it("refuses a token living longer than 24 h (exp - iat) with 401 token_lifetime_too_long", async () => {
    const iat = nowSeconds() - 60;
    const result = await connect(await sign({ iat, exp: iat + DAY_SECONDS + 1 }));
    expect(result).toMatchObject({ status: 401, code: "token_lifetime_too_long" });
    expect(result.message).toContain("86400");
  });

  it("measures from now when the token has no iat", async () => {
    expect(await connect(await sign({ exp: nowSeconds() + DAY_SECONDS + 120 }))).toMatchObject({ status: 401, code: "token_lifetime_too_long" });
  });

  it("measures from now when iat lies in the future, so a forward-dated iat cannot stretch a token", async () => {
    const iat = nowSeconds() + 10 * DAY_SECONDS;
    expect(await connect(await sign({ iat, exp: iat + 60 }))).toMatchObject({ status: 401, code: "token_lifetime_too_long" });
  });

  it("follows MAX_TOKEN_LIFETIME_SECONDS", async () => {
    const short = deployed({ MAX_TOKEN_LIFETIME_SECONDS: "300" });
    expect(await connect(await sign({ exp: nowSeconds() + 600 }), short)).toMatchObject({ status: 401, code: "token_lifetime_too_long" });
    expect(await connect(await sign({ exp: nowSeconds() + 200 }), short)).toEqual({ status: 101 });
  });

  it("answers 503 naming MAX_TOKEN_LIFETIME_SECONDS when it is not a positive whole number", async () => {
    for (const value of ["abc", "0", "-5", "1.5"]) {
      const result = await connect(await sign({}), deployed({ MAX_TOKEN_LIFETIME_SECONDS: value }));
      expect(result).toMatchObject({ status: 503, code: "auth_misconfigured" });
      expect(result.message).toContain("MAX_TOKEN_LIFETIME_SECONDS");
    }
  });
});

describe("a token without exp", () => {
  it('is refused with the message "token has no exp claim"', async () => {
    const token = await new SignJWT({ sub: "u1", room: "doc/policy-room", role: "editor" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(CURRENT));
    expect(await connect(token)).toEqual({ status: 401, code: "invalid_claims", message: "token has no exp claim" });
  });
});

describe("wildcards in the room claim cover whole path segments", () => {
  it.each([
    ["*", "team-10"],
    ["doc/*", "team-10"],
    ["doc/team-10", "team-10"],
  ])("%s opens doc/%s", async (room, roomId) => {
    expect(await connect(await sign({ room }), deployed(), roomId)).toEqual({ status: 101 });
  });

  it("doc/team-1* no longer opens doc/team-10: such a claim is refused as invalid with 401", async () => {
    for (const roomId of ["team-10", "team-1"]) {
      const result = await connect(await sign({ room: "doc/team-1*" }), deployed(), roomId);
      expect(result).toMatchObject({ status: 401, code: "invalid_claims" });
      expect(result.message).toContain("whole path segment");
    }
  });

  it.each(["doc*", "*/x", "doc/*/x", "doc/**", "game/arena*"])("refuses the claim %s as invalid", async (room) => {
    expect(await connect(await sign({ room }))).toMatchObject({ status: 401, code: "invalid_claims" });
  });

  it("game/arena/* lets a player match in arena, game/* too, game/tictactoe/* does not", async () => {
    const match = async (room: string) => {
      const token = await sign({ room, role: "player" });
      const request = new Request(`${BASE}/v1/match/arena`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: '{"mode":"private"}' });
      return (await app.fetch(request, deployed())).status;
    };
    expect(await match("game/arena/*")).toBe(200);
    expect(await match("game/*")).toBe(200);
    expect(await match("game/tictactoe/*")).toBe(403);
  });
});
