// README "Deploying": AUTH_SECRET (and AUTH_SECRET_PREVIOUS) and ADMIN_TOKEN must be at least
// 32 bytes. A shorter one is refused where it would be used: 503 with a message naming the
// variable and the minimum, and one JSON log line for the operator.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { app } from "../../server/app.ts";
import { BASE, tryDocSocket } from "./helpers.ts";

const LONG = "a-secret-that-is-exactly-32bytes"; // 32 bytes: the shortest accepted
const SHORT = LONG.slice(0, 31);

let log: MockInstance<typeof console.log>;
beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => log.mockRestore());
const linesOf = (event: string) =>
  log.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>).filter((line) => line.event === event);

async function tokenSignedWith(secret: string): Promise<string> {
  return new SignJWT({ sub: "u1", room: "doc/*", role: "editor" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(secret));
}

const openDoc = (target: Env, token: string) => tryDocSocket(target, token, "secret-length");

describe("AUTH_SECRET shorter than 32 bytes", () => {
  it("is refused at use with 503, a message naming it and the minimum, and one log line", async () => {
    const target = { ...env, AUTH_SECRET: SHORT, DEV_TOKENS: "off" };
    const result = await openDoc(target, await tokenSignedWith(SHORT));
    expect(result).toMatchObject({ status: 503, code: "secret_too_short" });
    expect(result.message).toContain("AUTH_SECRET");
    expect(result.message).toContain("32 bytes");
    expect(linesOf("secret_too_short")).toEqual([{ event: "secret_too_short", variable: "AUTH_SECRET", bytes: 31, minBytes: 32 }]);
  });

  it("counts bytes, not characters", async () => {
    const target = { ...env, AUTH_SECRET: "é".repeat(16), DEV_TOKENS: "off" }; // 16 characters, 32 bytes
    expect(await openDoc(target, await tokenSignedWith("é".repeat(16)))).toEqual({ status: 101 });
  });

  it("AUTH_SECRET_PREVIOUS too", async () => {
    const target = { ...env, AUTH_SECRET: LONG, AUTH_SECRET_PREVIOUS: SHORT, DEV_TOKENS: "off" };
    const result = await openDoc(target, await tokenSignedWith(LONG));
    expect(result).toMatchObject({ status: 503, code: "secret_too_short" });
    expect(result.message).toContain("AUTH_SECRET_PREVIOUS");
    expect(linesOf("secret_too_short")).toMatchObject([{ variable: "AUTH_SECRET_PREVIOUS" }]);
  });

  it("a 32-byte AUTH_SECRET is accepted", async () => {
    const target = { ...env, AUTH_SECRET: LONG, DEV_TOKENS: "off" };
    expect(await openDoc(target, await tokenSignedWith(LONG))).toEqual({ status: 101 });
  });
});

describe("ADMIN_TOKEN shorter than 32 bytes", () => {
  const listRooms = (adminToken: string, presented = adminToken) =>
    app.fetch(new Request(`${BASE}/v1/admin/rooms`, { headers: { Authorization: `Bearer ${presented}` } }), { ...env, ADMIN_TOKEN: adminToken });

  it("is refused at use with 503, even with the right token, and one log line", async () => {
    const response = await listRooms(SHORT);
    expect(response.status).toBe(503);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("secret_too_short");
    expect(error.message).toContain("ADMIN_TOKEN");
    expect(error.message).toContain("32 bytes");
    expect(linesOf("secret_too_short")).toEqual([{ event: "secret_too_short", variable: "ADMIN_TOKEN", bytes: 31, minBytes: 32 }]);
  });

  it("a 32-byte ADMIN_TOKEN opens the admin API", async () => {
    expect((await listRooms(LONG)).status).toBe(200);
  });
});
