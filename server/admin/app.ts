import { Hono } from "hono";
import type { AppEnv } from "../app.ts";
import { requireAdmin } from "./auth.ts";
import { buildOpenApi } from "./openapi.ts";
import { ADMIN_ROUTES } from "./routes.ts";

/** Every route under /v1/admin, behind the admin token. The OpenAPI document comes from the same table. */
export function mountAdmin(app: Hono<AppEnv>): void {
  app.use("/v1/admin/*", requireAdmin());
  for (const route of ADMIN_ROUTES) app.on(route.method.toUpperCase(), route.path, route.handle);
  const openApi = buildOpenApi(ADMIN_ROUTES);
  app.get("/v1/admin/openapi.json", (c) => c.json(openApi));
}
