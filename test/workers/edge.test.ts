import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "./helpers.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

describe("edge routing", () => {
  it("answers health as JSON", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", service: "edgeroom", protocol: PROTOCOL_VERSION });
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "no route for GET /v1/nowhere" } });
  });

  it.each(["bad.id", "a%2Fb", "x".repeat(65), "sp%20ace", "a/b"])("refuses room id %s with a 400", async (id) => {
    const response = await exports.default.fetch(`${BASE}/v1/doc/${id}`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_room_id" } });
  });
});
