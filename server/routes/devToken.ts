import type { Context } from "hono";
import { DevTokenRequest } from "../../protocol/index.ts";
import { DEV_TOKENS_LOOPBACK_ONLY, isDevTokensOn, signDevToken } from "../auth.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { readJsonBody } from "../jsonBody.ts";
import { isLoopbackRequest } from "../loopback.ts";

/** Largest body this route reads, in bytes; a token request is a few dozen. */
const MAX_BODY_BYTES = 4 * 1024;

/**
 * POST /v1/dev/token: a token signed with the development secret. Exists only while DEV_TOKENS is
 * "on", and answers only a request to a loopback host.
 */
export async function handleDevToken(c: Context<AppEnv>): Promise<Response> {
  if (!isDevTokensOn(c.env)) return jsonError(c, 404, "not_found", "no route for POST /v1/dev/token");
  if (!isLoopbackRequest(c.req.raw)) return jsonError(c, 403, "dev_tokens_loopback_only", DEV_TOKENS_LOOPBACK_ONLY);
  const body = await readJsonBody(c, DevTokenRequest, MAX_BODY_BYTES, "{ sub, name?, room, role }");
  if (!body.ok) return body.response;
  return c.json(await signDevToken(body.value, Math.floor(Date.now() / 1000), c.env));
}
