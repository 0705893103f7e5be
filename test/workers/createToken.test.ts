// README "Tokens from your backend": a token from the edgeroom/token helper, signed with the
// deployment's AUTH_SECRET, opens a room at the edge as any operator-signed token does.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../server/app.ts";
import { createToken } from "../../server/token.ts";
import { BASE } from "./helpers.ts";

const AUTH_SECRET = "the-deployment-secret-of-at-least-32-bytes";
/** The deployed configuration: no development tokens, the operator's secret, and optionally audience and issuer. */
const deployed = (overrides: Partial<Env> = {}): Env => ({ ...env, AUTH_SECRET, DEV_TOKENS: "off", ...overrides });

async function open(token: string, target: Env): Promise<number> {
  const request = new Request(`${BASE}/v1/doc/helper-room?token=${token}`, { headers: { Upgrade: "websocket" } });
  const response = await app.fetch(request, target);
  response.webSocket?.accept();
  response.webSocket?.close(1000);
  return response.status;
}

describe("createToken against the edge", () => {
  it("opens a document room with AUTH_SECRET", async () => {
    const token = await createToken({ sub: "backend-user", name: "Ada", room: "doc/helper-room", role: "editor" }, AUTH_SECRET);
    expect(await open(token, deployed())).toBe(101);
  });

  it("opens it when the service checks audience and issuer and the token names them", async () => {
    const strict = deployed({ AUTH_AUDIENCE: "edgeroom", AUTH_ISSUER: "https://auth.example" });
    const token = await createToken(
      { sub: "backend-user", room: "doc/*", role: "viewer", audience: "edgeroom", issuer: "https://auth.example" },
      AUTH_SECRET,
    );
    expect(await open(token, strict)).toBe(101);
  });

  it("is refused with another secret", async () => {
    const token = await createToken({ sub: "backend-user", room: "doc/helper-room", role: "editor" }, "another-secret-of-at-least-32-bytes!!");
    expect(await open(token, deployed())).toBe(401);
  });
});
