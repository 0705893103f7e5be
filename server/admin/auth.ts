import type { MiddlewareHandler } from "hono";
import { logEvent } from "../../rooms/log.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { checkSecretLength } from "../secretLength.ts";

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time (over SHA-256 digests, so
 * the lengths match too). With no ADMIN_TOKEN configured every admin route answers 503: the
 * admin API never opens by default; with one shorter than MIN_SECRET_BYTES they answer 503 too.
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.env.ADMIN_TOKEN;
    if (!expected) {
      return jsonError(c, 503, "admin_not_configured", "the admin API is off: set the ADMIN_TOKEN secret to turn it on");
    }
    const tooShort = checkSecretLength("ADMIN_TOKEN", expected);
    if (tooShort) {
      logEvent(tooShort.log.event, tooShort.log.fields);
      return jsonError(c, tooShort.status, tooShort.code, tooShort.message);
    }
    const presented = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!presented || !(await isSameSecret(presented, expected))) {
      logEvent("admin_auth_refused", { path: new URL(c.req.url).pathname, hadToken: presented !== undefined });
      return jsonError(c, 401, "admin_unauthorized", "admin routes need Authorization: Bearer <ADMIN_TOKEN>");
    }
    await next();
  };
}

async function isSameSecret(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}
