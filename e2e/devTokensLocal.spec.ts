// README "Quick start": against a real `wrangler dev` started the way `npm start` starts it
// (scripts/wrangler.mjs), development tokens are on, because the script passes --var DEV_TOKENS:on,
// and answer only a loopback Host. `wrangler dev` hands the Worker the URL the client asked for,
// so a page on another name that resolves to 127.0.0.1 (DNS rebinding) or a tunnel is refused.
import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";

const port = Number(new URL(E2E_BASE_URL).port);
const CLAIMS = JSON.stringify({ sub: "dev", room: "doc/*", role: "editor" });

/** POST /v1/dev/token to 127.0.0.1 with a chosen Host header (fetch does not let a caller set Host). */
function askForToken(host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/v1/dev/token", headers: { Host: host, ...headers } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end(CLAIMS);
  });
}

test("npm start's wrangler dev serves development tokens to loopback hosts", async () => {
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
    const answer = await askForToken(host);
    expect(answer.status, host).toBe(200);
    expect(JSON.parse(answer.body), host).toHaveProperty("token");
  }
});

test("and refuses them to any other Host, or to a client Cloudflare says is elsewhere", async () => {
  for (const host of ["evil.example", `evil.example:${port}`, `192.168.1.20:${port}`]) {
    const answer = await askForToken(host);
    expect(answer.status, host).toBe(403);
    expect(JSON.parse(answer.body), host).toMatchObject({ error: { code: "dev_tokens_loopback_only" } });
  }
  expect((await askForToken(`127.0.0.1:${port}`, { "CF-Connecting-IP": "203.0.113.9" })).status).toBe(403);
});

test("health does not say whether development tokens are on", async () => {
  const health = await (await fetch(`${E2E_BASE_URL}/v1/health`)).json();
  expect(health).toEqual({ status: "ok", service: "edgeroom", protocol: PROTOCOL_VERSION });
});
