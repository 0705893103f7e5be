import type { Context } from "hono";
import { z } from "zod";
import { DevTokenRequest } from "../../protocol/index.ts";
import { isDevTokensOn, signDevToken } from "../auth.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";

/** Largest body this route reads, in bytes; a token request is a few dozen. */
const MAX_BODY_BYTES = 4 * 1024;

/** POST /v1/dev/token: a token signed with the development secret. Exists only while DEV_TOKENS is "on". */
export async function handleDevToken(c: Context<AppEnv>): Promise<Response> {
  if (!isDevTokensOn(c.env)) return jsonError(c, 404, "not_found", "no route for POST /v1/dev/token");
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) return jsonError(c, 413, "body_too_large", `body is over ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(c, 400, "bad_json", "body must be JSON: { sub, name?, room, role }");
  }
  const parsed = DevTokenRequest.safeParse(body);
  if (!parsed.success) return jsonError(c, 400, "bad_request", z.prettifyError(parsed.error));
  return c.json(await signDevToken(parsed.data, Math.floor(Date.now() / 1000)));
}
