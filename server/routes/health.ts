import type { Context } from "hono";
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import type { AppEnv } from "../app.ts";

/** GET /v1/health: up or not. Says nothing about the configuration (not even whether development tokens are on). */
export function handleHealth(c: Context<AppEnv>): Response {
  return c.json({ status: "ok", service: "edgeroom", protocol: PROTOCOL_VERSION });
}
