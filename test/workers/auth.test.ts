import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { app } from "../../server/app.ts";
import { BASE, devToken, editFrame, openDoc } from "./helpers.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

const SECRET = "a-production-secret-for-tests-32-bytes";
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function sign(claims: Record<string, unknown>, { secret = SECRET, exp = nowSeconds() + 600 } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** The deployed configuration: AUTH_SECRET set, development tokens off. */
const productionEnv = { ...env, AUTH_SECRET: SECRET, DEV_TOKENS: "off" as const };

async function connectWith(token: string | null, room = "auth-room", init: RequestInit = {}, target: Env = productionEnv) {
  const url = `${BASE}/v1/doc/${room}${token === null ? "" : `?token=${token}`}`;
  const response = await app.fetch(new Request(url, { ...init, headers: { Upgrade: "websocket", ...init.headers } }), target);
  const body = response.webSocket ? null : await response.json<{ error: { code: string; message: string } }>();
  response.webSocket?.accept();
  response.webSocket?.close(1000);
  return { status: response.status, code: body?.error.code };
}

describe("auth at the edge", () => {
  it("accepts a valid AUTH_SECRET token in ?token=", async () => {
    const token = await sign({ sub: "u1", room: "doc/auth-room", role: "editor" });
    expect(await connectWith(token)).toEqual({ status: 101, code: undefined });
  });

  it("accepts a valid token in Authorization: Bearer", async () => {
    const token = await sign({ sub: "u1", room: "doc/*", role: "viewer" });
    expect(await connectWith(null, "auth-room", { headers: { Authorization: `Bearer ${token}` } })).toEqual({
      status: 101,
      code: undefined,
    });
  });

  it("refuses a missing token with 401", async () => {
    expect(await connectWith(null)).toEqual({ status: 401, code: "missing_token" });
  });

  it("refuses a malformed token with 401", async () => {
    expect(await connectWith("not.a.jwt")).toEqual({ status: 401, code: "malformed_token" });
  });

  it("refuses an expired token with 401", async () => {
    const token = await sign({ sub: "u1", room: "doc/auth-room", role: "editor" }, { exp: nowSeconds() - 60 });
    expect(await connectWith(token)).toEqual({ status: 401, code: "token_expired" });
  });

  it("refuses a token signed with another secret with 401", async () => {
    const token = await sign({ sub: "u1", room: "doc/auth-room", role: "editor" }, { secret: "someone-else" });
    expect(await connectWith(token)).toEqual({ status: 401, code: "bad_signature" });
  });

  it("refuses a token without an expiry with 401", async () => {
    const token = await new SignJWT({ sub: "u1", room: "doc/auth-room", role: "editor" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(SECRET));
    expect(await connectWith(token)).toEqual({ status: 401, code: "invalid_claims" });
  });

  it("refuses a token with missing claims with 401", async () => {
    const token = await sign({ sub: "u1", role: "editor" });
    expect(await connectWith(token)).toEqual({ status: 401, code: "invalid_claims" });
  });

  it("refuses a token for another room with 403", async () => {
    const token = await sign({ sub: "u1", room: "doc/other-room", role: "editor" });
    expect(await connectWith(token)).toEqual({ status: 403, code: "room_out_of_scope" });
  });

  it("refuses a wildcard that does not cover the room with 403", async () => {
    const token = await sign({ sub: "u1", room: "game/*", role: "editor" });
    expect(await connectWith(token, "auth-room")).toEqual({ status: 403, code: "room_out_of_scope" });
  });

  it("refuses a role that documents do not have with 403", async () => {
    const token = await sign({ sub: "u1", room: "doc/auth-room", role: "player" });
    expect(await connectWith(token)).toEqual({ status: 403, code: "role_not_allowed" });
  });

  it("refuses development tokens once DEV_TOKENS is off", async () => {
    const token = await devToken({ sub: "u1", room: "doc/*", role: "editor" });
    expect(await connectWith(token)).toEqual({ status: 401, code: "bad_signature" });
  });

  it("refuses every connection with a clear 503 when no secret is configured", async () => {
    const unconfigured = { ...env, AUTH_SECRET: undefined, DEV_TOKENS: "off" as const };
    const token = await sign({ sub: "u1", room: "doc/auth-room", role: "editor" });
    expect(await connectWith(token, "auth-room", {}, unconfigured)).toEqual({ status: 503, code: "auth_not_configured" });
  });

  it("a plain GET with a good token gets 426, so a client can tell auth from transport failures", async () => {
    const token = await sign({ sub: "u1", room: "doc/auth-room", role: "editor" });
    const response = await app.fetch(new Request(`${BASE}/v1/doc/auth-room?token=${token}`), productionEnv);
    expect(response.status).toBe(426);
  });

  it("does not let a client forge the identity the edge passes to the room", async () => {
    const token = await sign({ sub: "mallory", room: "doc/auth-room", role: "viewer" });
    const forged = JSON.stringify({ sub: "admin", role: "editor", room: "doc/auth-room" });
    const response = await app.fetch(
      new Request(`${BASE}/v1/doc/auth-room?token=${token}`, {
        headers: { Upgrade: "websocket", "x-edgeroom-identity": forged },
      }),
      productionEnv,
    );
    expect(response.status).toBe(101);
    const ws = response.webSocket!;
    ws.accept();
    ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    const welcome = await new Promise<string>((resolve) =>
      ws.addEventListener("message", (e) => typeof e.data === "string" && resolve(e.data)),
    );
    expect(JSON.parse(welcome)).toMatchObject({ type: "welcome", role: "viewer" });
    ws.close(1000);
  });
});

describe("the room re-checks the identity", () => {
  it("closes a socket that reached the room without a verified identity with 4401", async () => {
    const stub = env.DocRoom.getByName("direct-room");
    const response = await stub.fetch("http://room/direct", { headers: { Upgrade: "websocket", "x-partykit-room": "direct-room" } });
    const ws = response.webSocket!;
    ws.accept();
    const closed = await new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
    expect(closed.code).toBe(4401);
  });

  it("closes a socket whose identity names another room with 4403", async () => {
    const stub = env.DocRoom.getByName("direct-room");
    const identity = JSON.stringify({ sub: "u", role: "editor", room: "doc/elsewhere", exp: nowSeconds() + 600 });
    const response = await stub.fetch("http://room/direct", { headers: { Upgrade: "websocket", "x-edgeroom-identity": identity } });
    const ws = response.webSocket!;
    ws.accept();
    const closed = await new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
    expect(closed.code).toBe(4403);
  });
});

describe("development tokens", () => {
  it("signs a token that opens the room it names, with the role it names, and no other room", async () => {
    const token = await devToken({ sub: "dev", name: "Dev", room: "doc/dev-room", role: "editor" });
    const socket = await openDoc("dev-room", token);
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    expect(JSON.parse(await socket.control("welcome"))).toMatchObject({ type: "welcome", role: "editor" });
    socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "signed")));
    expect(JSON.parse(await socket.control("saved"))).toEqual({ type: "saved", seq: 1 });
    socket.close();
    const elsewhere = await exports.default.fetch(`${BASE}/v1/doc/other-dev-room?token=${token}`, { headers: { Upgrade: "websocket" } });
    expect(elsewhere.status).toBe(403);
  });

  it("refuses a bad body with a 400 that says what is wrong", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/dev/token`, { method: "POST", body: JSON.stringify({ sub: "x" }) });
    expect(response.status).toBe(400);
    const body = await response.json<{ error: { message: string } }>();
    expect(body.error.message).toContain("room");
  });

  it("refuses a body that is not JSON with a 400", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/dev/token`, { method: "POST", body: "{" });
    expect(response.status).toBe(400);
  });

  it("does not exist when DEV_TOKENS is off", async () => {
    const response = await app.fetch(
      new Request(`${BASE}/v1/dev/token`, { method: "POST", body: JSON.stringify({ sub: "x", room: "doc/*", role: "editor" }) }),
      productionEnv,
    );
    expect(response.status).toBe(404);
  });
});

describe("placement", () => {
  it("refuses an unknown ?region= with a 400", async () => {
    const token = await devToken({ sub: "u", room: "doc/*", role: "editor" });
    const response = await exports.default.fetch(`${BASE}/v1/doc/placed?token=${token}&region=mars`, {
      headers: { Upgrade: "websocket" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_region" } });
  });

  it("records the region of the first connection and keeps it", async () => {
    const token = await devToken({ sub: "u", room: "doc/*", role: "editor" });
    const first = await openDoc("placed", token, "&region=weur");
    const second = await openDoc("placed", token, "&region=apac");
    const { runInDurableObject } = await import("cloudflare:test");
    const hint = await runInDurableObject(env.DocRoom.getByName("placed"), (room) => room.describe().locationHint);
    expect(hint).toBe("weur");
    first.close();
    second.close();
  });
});
