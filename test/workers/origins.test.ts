// Issue 13 §7: which web pages may reach the service. With ALLOWED_ORIGINS set, a browser
// request (WebSocket upgrade or CORS) from any other origin is a 403; unset, a local run
// (loopback host) admits loopback pages only, and a deployed one its own origin only. Requests
// without an Origin header (servers, scripts, native apps) are not browsers' and pass.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { ADMIN_ROUTES } from "../../server/admin/routes.ts";
import { app } from "../../server/app.ts";
import { BASE, devToken } from "./helpers.ts";

const APP = "https://app.example";
const EVIL = "https://evil.example";
const LOCAL = "http://127.0.0.1:8787";
const listed = { ...env, ALLOWED_ORIGINS: `${APP}, https://other.example` };

async function call(url: string, init: RequestInit, target: Env) {
  const response = await app.fetch(new Request(url, init), target);
  response.webSocket?.accept();
  response.webSocket?.close(1000);
  const body = response.webSocket ? null : await response.text();
  return { status: response.status, body, headers: response.headers };
}

async function upgrade(base: string, origin: string | null, target: Env, token?: string) {
  token ??= await devToken({ sub: "origin-tester", room: "doc/*", role: "editor" });
  return call(`${base}/v1/doc/origin-room?token=${token}`, { headers: { Upgrade: "websocket", ...(origin ? { Origin: origin } : {}) } }, target);
}

const postToken = (base: string, origin: string | null, target: Env) =>
  call(
    `${base}/v1/dev/token`,
    { method: "POST", body: JSON.stringify({ sub: "o", room: "doc/*", role: "editor" }), headers: origin ? { Origin: origin } : {} },
    target,
  );

const corsHeaders = (headers: Headers) => [...headers.keys()].filter((k) => k.startsWith("access-control-"));

describe("ALLOWED_ORIGINS set", () => {
  it("refuses a WebSocket upgrade from another origin with a JSON 403", async () => {
    const refused = await upgrade(BASE, EVIL, listed);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body!)).toMatchObject({ error: { code: "origin_not_allowed" } });
    expect(corsHeaders(refused.headers)).toEqual([]);
  });

  it("admits an upgrade from a listed origin and from a client that sends no Origin", async () => {
    expect((await upgrade(BASE, APP, listed)).status).toBe(101);
    expect((await upgrade(BASE, "https://other.example", listed)).status).toBe(101);
    expect((await upgrade(BASE, null, listed)).status).toBe(101);
  });

  it("refuses a CORS request from another origin with a 403, and answers a listed one with CORS headers", async () => {
    const refused = await postToken(BASE, EVIL, listed);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body!)).toMatchObject({ error: { code: "origin_not_allowed" } });
    const admitted = await postToken(BASE, APP, listed);
    expect(admitted.status).toBe(200);
    expect(admitted.headers.get("Access-Control-Allow-Origin")).toBe(APP);
    expect(admitted.headers.get("Vary")).toContain("Origin");
  });

  it("answers a preflight from a listed origin on a public route", async () => {
    const preflight = await call(
      `${BASE}/v1/leaderboards/arena.gems`,
      { method: "OPTIONS", headers: { Origin: APP, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } },
      listed,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe(APP);
    expect(preflight.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
  });

  it("refuses a preflight from another origin with a 403 and no CORS headers", async () => {
    const preflight = await call(`${BASE}/v1/match/tictactoe`, { method: "OPTIONS", headers: { Origin: EVIL, "Access-Control-Request-Method": "POST" } }, listed);
    expect(preflight.status).toBe(403);
    expect(corsHeaders(preflight.headers)).toEqual([]);
  });
});

describe("ALLOWED_ORIGINS unset", () => {
  const unset = { ...env, ALLOWED_ORIGINS: undefined };

  it("a local run (loopback host) refuses a page from the web, for sockets and HTTP", async () => {
    expect((await upgrade(LOCAL, EVIL, unset)).status).toBe(403);
    expect((await postToken(LOCAL, EVIL, unset)).status).toBe(403);
    expect((await postToken("http://localhost:8787", "http://localhost.evil.example:8787", unset)).status).toBe(403);
  });

  it("a local run admits loopback pages on any port, and clients without an Origin", async () => {
    expect((await upgrade(LOCAL, "http://localhost:5173", unset)).status).toBe(101);
    expect((await upgrade(LOCAL, "http://[::1]:3000", unset)).status).toBe(101);
    expect((await postToken(LOCAL, "http://127.0.0.1:9999", unset)).status).toBe(200);
    expect((await upgrade(LOCAL, null, unset)).status).toBe(101);
  });

  it("a deployed run admits its own origin only", async () => {
    // A deployed host is not loopback, so development tokens do not work there: sign with AUTH_SECRET.
    const DEPLOYED = "https://edgeroom.example";
    const secret = "an-auth-secret-of-at-least-32-bytes";
    const deployed = { ...unset, AUTH_SECRET: secret };
    const token = await new SignJWT({ sub: "origin-tester", room: "doc/*", role: "editor" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(secret));
    expect((await upgrade(DEPLOYED, DEPLOYED, deployed, token)).status).toBe(101);
    expect((await upgrade(DEPLOYED, "http://127.0.0.1:8787", deployed, token)).status).toBe(403);
    expect((await postToken(DEPLOYED, EVIL, deployed)).status).toBe(403);
    expect((await upgrade(DEPLOYED, null, deployed, token)).status).toBe(101);
  });
});

describe("the admin API never sends CORS headers", () => {
  const concrete = ADMIN_ROUTES.map((r) => ({
    method: r.method.toUpperCase(),
    path: r.path.replace(":roomId", "r1").replace(":gameName", "tictactoe").replace(":versionId", "v1"),
  }));
  const adminEnv = { ...listed };

  it.each(concrete)("$method $path from a listed origin, with and without the token", async ({ method, path }) => {
    const withToken: Record<string, string>[] = [{ Origin: APP, Authorization: "Bearer test-admin-token-of-at-least-32-bytes" }, { Origin: APP }];
    for (const headers of withToken) {
      const response = await call(`${BASE}${path}`, { method, headers }, adminEnv);
      expect(corsHeaders(response.headers)).toEqual([]);
    }
  });

  it("answers no preflight for an admin route", async () => {
    const preflight = await call(
      `${BASE}/v1/admin/rooms`,
      { method: "OPTIONS", headers: { Origin: APP, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } },
      adminEnv,
    );
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(corsHeaders(preflight.headers)).toEqual([]);
  });
});

// Issue 15 item 6: a browser cannot read a refused upgrade's status, so the SDK asks the socket URL
// with a plain GET (token in Authorization). That GET and its preflight must be readable by a listed
// origin on both room routes; the JSON body needs no Access-Control-Expose-Headers (only headers do).
describe("the SDK's refusal explanation, cross-origin", () => {
  for (const path of ["/v1/doc/explain-room", "/v1/game/tictactoe/explain-room"]) {
    it(`answers ${path}'s preflight and its refusal with CORS for a listed origin`, async () => {
      const preflight = await call(
        `${BASE}${path}`,
        { method: "OPTIONS", headers: { Origin: APP, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } },
        listed,
      );
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe(APP);
      expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");

      const token = await devToken({ sub: "explainer", room: "doc/some-other-room", role: "editor" });
      const refused = await call(`${BASE}${path}`, { headers: { Origin: APP, Authorization: `Bearer ${token}` } }, listed);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(APP);
      expect(JSON.parse(refused.body!).error.code).toBe("room_out_of_scope");
    });
  }

  it("gives a page of another origin nothing to read: a 403 without CORS headers", async () => {
    const refused = await call(`${BASE}/v1/doc/explain-room`, { method: "OPTIONS", headers: { Origin: EVIL, "Access-Control-Request-Method": "GET" } }, listed);
    expect(refused.status).toBe(403);
    expect(corsHeaders(refused.headers)).toEqual([]);
  });
});
