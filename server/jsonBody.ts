import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "./app.ts";
import { jsonError } from "./errors.ts";

/** Reads a JSON body of at most `maxBytes` through `schema`; a 400/413 response says what is wrong. */
export async function readJsonBody<T>(
  c: Context<AppEnv>,
  schema: z.ZodType<T>,
  maxBytes: number,
  shape: string,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  const text = await c.req.text();
  if (text.length > maxBytes) return { ok: false, response: jsonError(c, 413, "body_too_large", `body is over ${maxBytes} bytes`) };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, response: jsonError(c, 400, "bad_json", `body must be JSON: ${shape}`) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: jsonError(c, 400, "bad_request", z.prettifyError(parsed.error)) };
  return { ok: true, value: parsed.data };
}
