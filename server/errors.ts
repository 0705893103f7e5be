import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody } from "../protocol/index.ts";

/** Every error a client sees: a status, a stable machine-readable code and a safe message. Never a stack. */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, status);
}
