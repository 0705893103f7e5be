// README "Tokens from your backend": createToken signs what the edge accepts, and refuses at the
// call what the edge would refuse at connect time.
import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createToken, roomClaimFor } from "./token.ts";

const SECRET = "a-backend-secret-of-at-least-32-bytes";
const key = new TextEncoder().encode(SECRET);
const HOUR_SECONDS = 60 * 60;

describe("createToken", () => {
  it("signs an HS256 JWT that jose verifies, with the claims, iat and a 1 h exp by default", async () => {
    const token = await createToken({ sub: "u1", name: "Ada", room: "doc/notes-1", role: "editor" }, SECRET);
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], requiredClaims: ["exp", "iat"] });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: "u1", name: "Ada", room: "doc/notes-1", role: "editor" });
    expect(payload.exp! - payload.iat!).toBe(HOUR_SECONDS);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);
  });

  it("sets ttlSeconds, audience and issuer when given", async () => {
    const token = await createToken(
      { sub: "u1", room: "game/arena/*", role: "player", ttlSeconds: 300, audience: "edgeroom", issuer: "https://auth.example" },
      SECRET,
    );
    const { payload } = await jwtVerify(token, key, { audience: "edgeroom", issuer: "https://auth.example" });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload).not.toHaveProperty("name");
  });

  it("accepts a ttl of exactly 24 h, the server's default bound", async () => {
    const token = await createToken({ sub: "u1", room: "*", role: "viewer", ttlSeconds: 24 * HOUR_SECONDS }, SECRET);
    const { payload } = await jwtVerify(token, key);
    expect(payload.exp! - payload.iat!).toBe(24 * HOUR_SECONDS);
  });

  it("refuses a room claim with a * inside a segment, naming the claim and the rule", async () => {
    await expect(createToken({ sub: "u1", room: "doc/team-1*", role: "editor" }, SECRET)).rejects.toThrow(
      /createToken: "room" is invalid: room must be an exact room path, or end in a wildcard/,
    );
  });

  it("refuses a missing sub, and a role the room's kind does not have", async () => {
    await expect(createToken({ sub: "", room: "doc/a", role: "editor" }, SECRET)).rejects.toThrow(/createToken: "sub" is invalid/);
    await expect(createToken({ sub: "u1", room: "doc/a", role: "player" }, SECRET)).rejects.toThrow(
      /createToken: role "player" cannot open doc rooms: use one of editor, viewer/,
    );
    await expect(createToken({ sub: "u1", room: "*", role: "owner" }, SECRET)).rejects.toThrow(
      /createToken: role "owner" opens no room: use one of editor, viewer, player, spectator/,
    );
  });

  it("refuses a room claim that names no kind of room the service serves", async () => {
    await expect(createToken({ sub: "u1", room: "chat/a", role: "editor" }, SECRET)).rejects.toThrow(
      /createToken: room "chat\/a" covers no room: start it with doc\/ or game\/, or use \*/,
    );
  });

  it("refuses a secret under 32 bytes, as the server does", async () => {
    await expect(createToken({ sub: "u1", room: "doc/a", role: "editor" }, "short")).rejects.toThrow(
      /secret is shorter than 32 bytes/,
    );
  });

  it("says the secret is missing when it is not a string, as an unset environment variable is", async () => {
    const unset = undefined as unknown as string;
    await expect(createToken({ sub: "u1", room: "doc/a", role: "editor" }, unset)).rejects.toThrow(
      /createToken: secret must be a string \(the service's AUTH_SECRET\), not undefined: is the variable set\?/,
    );
  });

  it("refuses a ttl past 24 h, or one that is not a whole positive number of seconds", async () => {
    for (const ttlSeconds of [24 * HOUR_SECONDS + 1, 0, -5, 1.5, Number.NaN]) {
      await expect(createToken({ sub: "u1", room: "doc/a", role: "editor", ttlSeconds }, SECRET)).rejects.toThrow(
        /createToken: ttlSeconds must be a whole number of seconds from 1 to 86400/,
      );
    }
  });

  it("refuses an empty audience or issuer rather than signing a token no server expects", async () => {
    await expect(createToken({ sub: "u1", room: "doc/a", role: "editor", audience: "" }, SECRET)).rejects.toThrow(/"audience"/);
    await expect(createToken({ sub: "u1", room: "doc/a", role: "editor", issuer: "" }, SECRET)).rejects.toThrow(/"issuer"/);
  });
});

describe("roomClaimFor", () => {
  it("maps what the SDK's getToken asks for to the room claim that opens it", () => {
    expect(roomClaimFor({ kind: "doc", roomId: "notes-1" })).toBe("doc/notes-1");
    expect(roomClaimFor({ kind: "game", gameName: "arena", roomId: "r1" })).toBe("game/arena/r1");
    expect(roomClaimFor({ kind: "match", gameName: "arena" })).toBe("game/arena/*");
  });

  it("never yields a wildcard or another path for a client's crafted id", () => {
    for (const request of [
      { kind: "doc", roomId: "*" },
      { kind: "doc", roomId: "a/b" },
      { kind: "game", gameName: "*", roomId: "r1" },
      { kind: "match", gameName: "arena/*" },
      { kind: "admin" },
      "doc/notes-1",
      null,
    ]) {
      expect(() => roomClaimFor(request)).toThrow(/roomClaimFor: "[a-zA-Z.]+" is invalid/);
    }
  });
});
