import { z } from "zod";
import type { AdminRoute } from "./routes.ts";

/** The admin API's OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function buildOpenApi(routes: AdminRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const queryParams = route.query instanceof z.ZodObject
      ? Object.entries(route.query.shape as Record<string, z.ZodType>).map(([name, schema]) => ({
          name,
          in: "query",
          required: !schema.safeParse(undefined).success,
          schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
        }))
      : [];
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      security: [{ adminToken: [] }],
      parameters: [...pathParams, ...queryParams],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content:
                route.body === "binary"
                  ? { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } }
                  : { "application/json": { schema: z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }) } },
            },
          }
        : {}),
      responses: {
        "200": { description: "OK", content: responseContent(route.response) },
        "400": { description: "Bad input", content: { "application/json": { schema: errorSchema } } },
        "401": { description: "Missing or wrong admin token", content: { "application/json": { schema: errorSchema } } },
        "503": { description: "ADMIN_TOKEN is not configured", content: { "application/json": { schema: errorSchema } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Edgeroom admin API", version: "1" },
    components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } } },
};

function responseContent(response: AdminRoute["response"]) {
  if (response === "binary") return { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } };
  if (response === "text") return { "text/plain": { schema: { type: "string" } } };
  return { "application/json": { schema: z.toJSONSchema(response, { unrepresentable: "any" }) } };
}
