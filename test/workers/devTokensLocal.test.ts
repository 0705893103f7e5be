// README "Quick start": development tokens exist only for local runs. The tests' workers config
// turns DEV_TOKENS on (vitest.config.ts), as `npm start` does; even then, POST /v1/dev/token and
// tokens signed with the public development secret work only for a request to a loopback host.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../server/app.ts";
import { devToken } from "./helpers.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

const LOOPBACK = ["http://127.0.0.1", "http://localhost:8787", "http://[::1]:8787"];
const ELSEWHERE = ["http://edge.test", "http://192.168.1.20:8787", "https://edgeroom.example.workers.dev", "http://127.0.0.1.nip.io"];
const CLAIMS = JSON.stringify({ sub: "dev", room: "doc/*", role: "editor" });

const askForToken = (origin: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${origin}/v1/dev/token`, { method: "POST", body: CLAIMS, headers });
const openWith = (origin: string, token: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${origin}/v1/doc/dev-local?token=${token}`, { headers: { Upgrade: "websocket", ...headers } });

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = await response.json<{ error: { code: string; message: string } }>();
  return { status: response.status, ...body.error };
}

describe("development tokens answer loopback hosts only", () => {
  it.each(LOOPBACK)("POST /v1/dev/token at %s signs a token", async (origin) => {
    const response = await askForToken(origin);
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty("token");
  });

  it.each(ELSEWHERE)("POST /v1/dev/token at %s is refused with 403", async (origin) => {
    const refused = await errorOf(await askForToken(origin));
    expect(refused).toMatchObject({ status: 403, code: "dev_tokens_loopback_only" });
    expect(refused.message).toContain("127.0.0.1");
  });

  it.each(ELSEWHERE)("a development token presented at %s is refused with 403", async (origin) => {
    const token = await devToken({ sub: "dev", room: "doc/*", role: "editor" });
    expect(await errorOf(await openWith(origin, token))).toMatchObject({ status: 403, code: "dev_tokens_loopback_only" });
  });

  it("a request that came through Cloudflare from a client elsewhere is refused, whatever its Host", async () => {
    const viaCloudflare = { "CF-Connecting-IP": "203.0.113.9" };
    expect((await askForToken("http://127.0.0.1", viaCloudflare)).status).toBe(403);
    const token = await devToken({ sub: "dev", room: "doc/*", role: "editor" });
    expect((await openWith("http://127.0.0.1", token, viaCloudflare)).status).toBe(403);
    expect((await askForToken("http://127.0.0.1", { "CF-Connecting-IP": "::1" })).status).toBe(200);
  });

  it("a development token at a loopback host opens the room", async () => {
    const token = await devToken({ sub: "dev", room: "doc/*", role: "editor" });
    for (const origin of LOOPBACK) {
      const response = await openWith(origin, token);
      expect(response.status, origin).toBe(101);
      response.webSocket!.accept();
      response.webSocket!.close(1000);
    }
  });

  it("with DEV_TOKENS unset (the top-level config) the route does not exist, even on loopback", async () => {
    const unset = { ...env, DEV_TOKENS: undefined };
    const response = await app.fetch(new Request("http://127.0.0.1/v1/dev/token", { method: "POST", body: CLAIMS }), unset);
    expect(response.status).toBe(404);
  });
});

describe("GET /v1/health", () => {
  it("does not say whether development tokens are on", async () => {
    for (const origin of [...LOOPBACK, ...ELSEWHERE]) {
      const body = await (await exports.default.fetch(`${origin}/v1/health`)).json<Record<string, unknown>>();
      expect(body, origin).toEqual({ status: "ok", service: "edgeroom", protocol: PROTOCOL_VERSION });
    }
  });
});
