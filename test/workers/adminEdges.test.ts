// Issue 13 §7: the admin API answers bad input as the sockets do, and its metrics say what they cover.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { METRICS_MAX_ROOMS } from "../../server/admin/metrics.ts";
import { BASE, devToken, editFrame, openSdkDoc, updateYjsRefusesWhileApplying } from "./helpers.ts";

const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}/v1/admin${path}`, { ...init, headers: { Authorization: "Bearer test-admin-token-of-at-least-32-bytes", ...init.headers } });


describe("admin import", () => {
  it("answers an update Yjs refuses while applying it with a 400, and the room keeps serving", async () => {
    const socket = await openSdkDoc("admin-bad-import", await devToken({ sub: "importer", room: "doc/*", role: "editor" }));
    socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "kept")));
    await socket.control("saved");

    const bytes = updateYjsRefusesWhileApplying();
    expect(() => Y.decodeUpdate(bytes)).not.toThrow();
    const refused = await admin("/rooms/doc/admin-bad-import/import", { method: "POST", body: bytes });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "bad_update" } });

    const other = new Y.Doc();
    other.getMap("meta").set("imported", true);
    expect((await admin("/rooms/doc/admin-bad-import/import", { method: "POST", body: Y.encodeStateAsUpdate(other) })).status).toBe(200);
    const details = await (await admin("/rooms/doc/admin-bad-import")).json<{ document: { json: unknown } }>();
    expect(details.document.json).toEqual({ t: "kept", meta: { imported: true } });
    socket.close();
  });
});

describe("admin metrics coverage", () => {
  it("says how many rooms it summed and how many the directory holds, and that it is truncated past the bound", async () => {
    // One INSERT makes the rooms: a recursive CTE counts past the bound without 10,000 round trips.
    const extra = METRICS_MAX_ROOMS + 1;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO room_directory (room, kind, game, room_id, connections, location_hint, created_at, last_active_at, storage_bytes, is_locked, stats, reported_at)
       SELECT 'doc/metrics-' || i, 'doc', NULL, 'metrics-' || i, 0, NULL, 1, i, 0, 0,
              '{"messagesIn":1,"messagesOut":0,"bytesIn":0,"bytesOut":0,"refused":{},"tickOverruns":0,"outboxBacklog":0,"flushFailures":0}', 1
       FROM n`,
    ).bind(extra).run();
    try {
      const total = (await env.DB.prepare("SELECT count(*) AS n FROM room_directory").first<{ n: number }>())!.n;
      const response = await admin("/metrics");
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(new RegExp(`^edgeroom_metrics_rooms_covered ${METRICS_MAX_ROOMS}$`, "m"));
      expect(text).toMatch(new RegExp(`^edgeroom_metrics_rooms_total ${total}$`, "m"));
      expect(text).toMatch(/^# edgeroom: truncated/m);
      expect(response.headers.get("X-Edgeroom-Metrics-Coverage")).toBe(`${METRICS_MAX_ROOMS}/${total}`);
    } finally {
      await env.DB.prepare("DELETE FROM room_directory WHERE room LIKE 'doc/metrics-%'").run();
    }
  }, 60_000);

  it("covers every room when the directory is within the bound, and says so", async () => {
    const text = await (await admin("/metrics")).text();
    const covered = text.match(/^edgeroom_metrics_rooms_covered (\d+)$/m)?.[1];
    expect(covered).toBeDefined();
    expect(text).toMatch(new RegExp(`^edgeroom_metrics_rooms_total ${covered}$`, "m"));
    expect(text).not.toMatch(/^# edgeroom: truncated/m);
  });
});
