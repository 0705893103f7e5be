// Issue 14: createEdgeroom's config, as the Worker and its rooms apply it (vitest.config.ts runs
// these against ./worker.ts, with the same env as every in-workerd test: its rate-limit vars are
// raised to 1,000,000, so each refusal below comes from the config winning over the env).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgeroom } from "../../server/edgeroom.ts";
import { TestSocket, devToken } from "../workers/helpers.ts";
import { CONFIG } from "./worker.ts";

const BASE = "http://127.0.0.1";
let nextAddress = 1;
/** A client address of its own, so each test starts with full per-address buckets. */
const address = () => ({ "CF-Connecting-IP": `198.51.100.${nextAddress++}` });

async function openDoc(roomId: string, headers: Record<string, string>): Promise<TestSocket | Response> {
  const response = await exports.default.fetch(`${BASE}/v1/doc/${roomId}`, { headers: { Upgrade: "websocket", ...headers } });
  return response.webSocket ? new TestSocket(response.webSocket) : response;
}

async function errorOf(response: TestSocket | Response): Promise<{ status: number; code: string }> {
  if (response instanceof TestSocket) throw new Error("the socket was accepted");
  const body = await response.json<{ error: { code: string } }>();
  return { status: response.status, code: body.error.code };
}

describe("createEdgeroom's auth.authorize replaces the JWT check", () => {
  it("admits the identity the hook returns, and answers 401 when it returns null", async () => {
    const socket = await openDoc("authorized", { Cookie: "session=alice" });
    expect(socket).toBeInstanceOf(TestSocket);
    (socket as TestSocket).close();
    expect(await errorOf(await openDoc("authorized", {}))).toEqual({ status: 401, code: "not_authorized" });
  });

  it("accepts no JWT, not even a development token, while a hook is set", async () => {
    const token = await devToken({ sub: "mallory", room: "doc/authorized", role: "editor" });
    expect(await errorOf(await openDoc(`authorized?token=${token}`, {}))).toEqual({ status: 401, code: "not_authorized" });
  });

  it("holds the hook's identity to the same role and room checks as a token's claims", async () => {
    expect(await errorOf(await openDoc("scoped", { Cookie: "session=elsewhere" }))).toEqual({ status: 403, code: "room_out_of_scope" });
    expect(await errorOf(await openDoc("scoped", { Cookie: "session=reader" }))).toEqual({ status: 403, code: "role_not_allowed" });
  });

  it("answers 503, never a stack, when the hook throws or returns a malformed identity", async () => {
    const thrown = await openDoc("broken", { Cookie: "session=throws" });
    expect(await errorOf(thrown)).toEqual({ status: 503, code: "authorize_failed" });
    expect(await errorOf(await openDoc("broken", { Cookie: "session=malformed" }))).toEqual({ status: 503, code: "authorize_invalid" });
  });

  it("matches a player through the hook and runs the config's game", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/match/tictactoe`, {
      method: "POST",
      headers: { Cookie: "session=bob", ...address() },
      body: JSON.stringify({ mode: "quick" }),
    });
    expect(response.status).toBe(200);
    const unknown = await exports.default.fetch(`${BASE}/v1/match/arena/open`, { headers: address() });
    expect(unknown.status).toBe(404);
  });
});

describe("createEdgeroom's limits win over the env vars", () => {
  it("[limits.maxConnectionsPerSub] closes a user's second socket in a room with 4429", async () => {
    const first = (await openDoc("per-sub", { Cookie: "session=carol" })) as TestSocket;
    const second = (await openDoc("per-sub", { Cookie: "session=carol" })) as TestSocket;
    expect((await second.closed).code).toBe(4429);
    first.close();
  });

  it("[limits.publicRequestsPerMinute] refuses the 5th public request a minute from one address", async () => {
    const headers = address();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await exports.default.fetch(`${BASE}/v1/match/tictactoe/open`, { headers })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it("[limits.roomCreationsPerMinute] refuses a user's 3rd private room a minute", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await exports.default.fetch(`${BASE}/v1/match/tictactoe`, {
        method: "POST",
        headers: { Cookie: "session=dave", ...address() },
        body: JSON.stringify({ mode: "private" }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("createEdgeroom's origins win over ALLOWED_ORIGINS", () => {
  it("lets the listed origin in and refuses others, even on a loopback host", async () => {
    const listed = await exports.default.fetch(`${BASE}/v1/health`, { headers: { Origin: "https://play.example.com" } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("Access-Control-Allow-Origin")).toBe("https://play.example.com");
    // Without the config a loopback page would be let in on a loopback host (server/origins.ts).
    const loopback = await exports.default.fetch(`${BASE}/v1/health`, { headers: { Origin: "http://127.0.0.1:5173" } });
    expect(loopback.status).toBe(403);
  });
});

describe("createEdgeroom at startup", () => {
  it("fails a Worker module whose config is wrong, naming each field and what it allows", async () => {
    await expect(import("./badWorker.ts")).rejects.toThrow(/games\[0\]\.tickRateHz must be a number of ticks per second above 0[\s\S]*origins\[0\] must be "\*" or an origin/);
  });

  it("refuses a second, different config in the same Worker, and returns the same Worker for the same one", () => {
    expect(() => createEdgeroom({ ...CONFIG, limits: { maxConnectionsPerSub: 2 } })).toThrow(/already called in this Worker with a different config/);
    expect(createEdgeroom(CONFIG).GameRoom).toBe(createEdgeroom(CONFIG).GameRoom);
  });
});
