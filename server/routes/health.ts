import type { Context } from "hono";
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import { isDevTokensOn } from "../auth.ts";
import type { AppEnv } from "../app.ts";

export function handleHealth(c: Context<AppEnv>): Response {
  return c.json({ status: "ok", service: "edgeroom", protocol: PROTOCOL_VERSION, devTokens: isDevTokensOn(c.env) });
}
