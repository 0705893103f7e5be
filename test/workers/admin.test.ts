import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { D1RoomDirectory } from "../../persistence/index.ts";
import type { DirectoryEntry } from "../../protocol/index.ts";
import { ADMIN_ROUTES } from "../../server/admin/routes.ts";
import { app } from "../../server/app.ts";
import { join, message, openGame } from "./gameHelpers.ts";
import { BASE, devToken, editFrame, openSdkDoc, type TestSocket } from "./helpers.ts";
import { jsonSchemaProblems } from "./jsonSchemaShape.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

const ADMIN = { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" };
const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}/v1/admin${path}`, { ...init, headers: { ...ADMIN, ...init.headers } });
const postJson = (path: string, body: unknown) => admin(path, { method: "POST", body: JSON.stringify(body) });

/** Every admin route with its parameters filled in. */
const concrete = ADMIN_ROUTES.map((r) => ({
  method: r.method.toUpperCase(),
  path: r.path.replace(":roomId", "r1").replace(":gameName", "arena").replace(":versionId", "v1"),
}));

async function editor(roomId: string, sub: string): Promise<TestSocket> {
  return openSdkDoc(roomId, await devToken({ sub, room: "doc/*", role: "editor" }));
}
async function saveText(socket: TestSocket, doc: Y.Doc, text: string): Promise<void> {
  const seen = socket.frames.length;
  socket.send(editFrame(doc, (d) => d.getText("t").insert(d.getText("t").length, text)));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
}

describe("admin auth", () => {
  it.each(concrete)("$method $path refuses a request without a token (401)", async ({ method, path }) => {
    const response = await exports.default.fetch(`${BASE}${path}`, { method });
    expect(response.status).toBe(401);
  });

  it.each(concrete)("$method $path refuses a wrong token (401)", async ({ method, path }) => {
    const response = await exports.default.fetch(`${BASE}${path}`, { method, headers: { Authorization: "Bearer test-admin-tokeN" } });
    expect(response.status).toBe(401);
  });

  it.each(concrete)("$method $path answers 503 when no ADMIN_TOKEN is configured", async ({ method, path }) => {
    const response = await app.fetch(new Request(`${BASE}${path}`, { method, headers: ADMIN }), { ...env, ADMIN_TOKEN: undefined });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: "admin_not_configured" } });
  });

  it("openapi.json is behind the token too", async () => {
    expect((await exports.default.fetch(`${BASE}/v1/admin/openapi.json`)).status).toBe(401);
  });
});

describe("room directory and listing", () => {
  const entry = (room: string, kind: "doc" | "game", lastActiveAt: number, connections: number, locationHint: string | null = null): DirectoryEntry => ({
    room, kind, game: kind === "game" ? "arena" : null, roomId: room.split("/").at(-1)!, connections, locationHint,
    createdAt: 1, lastActiveAt, storageBytes: 100, isLocked: false,
    stats: { messagesIn: 1, messagesOut: 2, bytesIn: 3, bytesOut: 4, refused: { rate_limited: 1 }, tickOverruns: 0, outboxBacklog: 0, flushFailures: 0 },
  });

  it("filters by kind, game, activity and region, and pages without gaps or duplicates", async () => {
    const directory = new D1RoomDirectory(env.DB);
    const base = 9e12;
    for (let i = 0; i < 7; i++) await directory.apply({ type: "entry", reportedAt: 1, entry: entry(`doc/list-d${i}`, "doc", base + i, i % 2, i < 3 ? "weur" : null) });
    for (let i = 0; i < 3; i++) await directory.apply({ type: "entry", reportedAt: 1, entry: entry(`game/arena/list-g${i}`, "game", base + 10 + i, 1) });
    const ids = async (query: string) => ((await (await admin(`/rooms?${query}`)).json()) as { rooms: DirectoryEntry[] }).rooms.map((r) => r.roomId).filter((id) => id.startsWith("list-"));
    expect(await ids("kind=game&limit=100")).toEqual(["list-g2", "list-g1", "list-g0"]);
    expect(await ids("kind=game&game=arena&limit=100")).toHaveLength(3);
    expect(await ids("kind=doc&active=true&limit=100")).toEqual(["list-d5", "list-d3", "list-d1"]);
    expect(await ids("kind=doc&region=weur&limit=100")).toEqual(["list-d2", "list-d1", "list-d0"]);

    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 20; page++) {
      const body = (await (await admin(`/rooms?kind=doc&limit=2${cursor}`)).json()) as { rooms: DirectoryEntry[]; nextCursor: string | null };
      seen.push(...body.rooms.map((r) => r.roomId));
      if (!body.nextCursor) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    const listed = seen.filter((id) => id.startsWith("list-d"));
    expect(listed).toEqual(["list-d6", "list-d5", "list-d4", "list-d3", "list-d2", "list-d1", "list-d0"]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses bad query parameters with a 400 that says what is wrong", async () => {
    for (const query of ["kind=chat", "limit=0", "limit=101", "active=maybe", "cursor=%%%", "color=red"]) {
      const response = await admin(`/rooms?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
    }
  });

  it("a live room appears in the listing within a few seconds", async () => {
    const socket = await editor("directory-live", "ada");
    await expect
      .poll(async () => ((await (await admin("/rooms?kind=doc&active=true&limit=100")).json()) as { rooms: DirectoryEntry[] }).rooms.find((r) => r.roomId === "directory-live")?.connections, { timeout: 15_000, interval: 500 })
      .toBe(1);
    socket.close();
  });
});

describe("admin operations on a document room with live clients", () => {
  it("inspects connections, sizes, versions and the document as JSON", async () => {
    const socket = await editor("admin-doc-1", "ada");
    await saveText(socket, new Y.Doc(), "hello admin");
    const details = (await (await admin("/rooms/doc/admin-doc-1")).json()) as Record<string, unknown>;
    expect(details).toMatchObject({ kind: "doc", roomId: "admin-doc-1", connections: 1, document: { json: { t: "hello admin" } } });
    expect(details.connectionList).toEqual([expect.objectContaining({ user: "ada", role: "editor", messagesIn: expect.any(Number), bytesOut: expect.any(Number) })]);
    expect(details).toHaveProperty("outbox.backlog");
    expect((await admin("/rooms/doc/never-used")).status).toBe(404);
    socket.close();
  });

  it("kicks a user with 4403, broadcasts a system message, and locks the document read-only", async () => {
    const ada = await editor("admin-doc-2", "ada");
    const bob = await editor("admin-doc-2", "bob");
    expect(await (await postJson("/rooms/doc/admin-doc-2/broadcast", { message: "maintenance at noon" })).json()).toEqual({ recipients: 2 });
    expect(JSON.parse(await ada.control("system"))).toEqual({ type: "system", message: "maintenance at noon" });

    expect((await postJson("/rooms/doc/admin-doc-2/lock", { locked: true })).status).toBe(200);
    ada.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "while locked")));
    expect(JSON.parse(await ada.control("refused"))).toMatchObject({ reason: "locked" });
    expect(((await (await admin("/rooms/doc/admin-doc-2")).json()) as { document: { json: Record<string, unknown> } }).document.json.t ?? "").toBe("");
    await postJson("/rooms/doc/admin-doc-2/lock", { locked: false });

    expect(await (await postJson("/rooms/doc/admin-doc-2/kick", { userId: "bob", reason: "spam" })).json()).toEqual({ kicked: 1 });
    expect(await bob.closed).toEqual({ code: 4403, reason: "kicked: spam" });
    expect((await postJson("/rooms/doc/admin-doc-2/kick", { reason: "nobody" })).status).toBe(400);
    ada.close();
  });

  it("exports and imports a document, restores a version, and deletes the room", async () => {
    const ada = await editor("admin-doc-3", "ada");
    await saveText(ada, new Y.Doc(), "exported");
    const exported = new Uint8Array(await (await admin("/rooms/doc/admin-doc-3/export")).arrayBuffer());
    const copy = new Y.Doc();
    Y.applyUpdate(copy, exported);
    expect(copy.getText("t").toString()).toBe("exported");

    const other = new Y.Doc();
    other.getMap("meta").set("imported", true);
    const imported = await admin("/rooms/doc/admin-doc-3/import", { method: "POST", body: Y.encodeStateAsUpdate(other) });
    expect(imported.status).toBe(200);
    expect((await admin("/rooms/doc/admin-doc-3/import", { method: "POST", body: new Uint8Array([1, 2, 3]) })).status).toBe(400);
    const details = (await (await admin("/rooms/doc/admin-doc-3")).json()) as { document: { json: Record<string, unknown> } };
    expect(details.document.json).toEqual({ t: "exported", meta: { imported: true } });

    const version = await (await import("cloudflare:test")).runInDurableObject(env.DocRoom.getByName("admin-doc-3"), (room: { snapshotVersion(): string | null }) => room.snapshotVersion());
    await saveText(ada, copy, " and changed");
    const versions = ((await (await admin("/rooms/doc/admin-doc-3/versions")).json()) as { versions: { id: string }[] }).versions;
    expect(versions.map((v) => v.id)).toContain(version);
    expect((await admin(`/rooms/doc/admin-doc-3/versions/${version}/restore`, { method: "POST" })).status).toBe(200);
    expect((await admin("/rooms/doc/admin-doc-3/versions/nope/restore", { method: "POST" })).status).toBe(404);
    const restored = (await (await admin("/rooms/doc/admin-doc-3")).json()) as { document: { json: Record<string, unknown> } };
    expect(restored.document.json.t).toBe("exported");

    expect((await admin("/rooms/doc/admin-doc-3", { method: "DELETE" })).status).toBe(200);
    expect((await ada.closed).code).toBe(4404);
    await expect.poll(async () => (await admin("/rooms/doc/admin-doc-3")).status).toBe(404);
  });
});

describe("admin operations on a game room with live clients", () => {
  it("inspects seats and the match, broadcasts, locks, exports, kicks and deletes", async () => {
    const x = await join("tictactoe", "admin-game", "xavier");
    const details = (await (await admin("/rooms/game/tictactoe/admin-game")).json()) as Record<string, unknown>;
    expect(details).toMatchObject({ kind: "game", game: { name: "tictactoe" }, seats: [{ playerId: "xavier", seat: 0 }] });
    expect(details).toHaveProperty("match.id");

    expect(await (await postJson("/rooms/game/tictactoe/admin-game/broadcast", { message: "hi" })).json()).toEqual({ recipients: 1 });
    expect(await message(x.socket, "system")).toEqual({ type: "system", message: "hi" });

    await postJson("/rooms/game/tictactoe/admin-game/lock", { locked: true });
    const late = await openGame("tictactoe", "admin-game", "olga");
    late.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    expect(await late.closed).toEqual({ code: 4403, reason: "room is locked: no new players" });
    await postJson("/rooms/game/tictactoe/admin-game/lock", { locked: false });

    const exported = (await (await admin("/rooms/game/tictactoe/admin-game/export")).json()) as { state: unknown; match: { entries: unknown[] } };
    expect(exported.state).toMatchObject({ seats: { X: "xavier" } });
    expect(exported.match.entries).toEqual([{ tick: 0, kind: "join", playerId: "xavier" }]);
    expect((await admin("/rooms/game/tictactoe/admin-game/import", { method: "POST", body: "x" })).status).toBe(400);

    expect(await (await postJson("/rooms/game/tictactoe/admin-game/kick", { userId: "xavier", reason: "afk" })).json()).toEqual({ kicked: 1 });
    expect((await x.socket.closed).code).toBe(4403);
    expect((await admin("/rooms/game/tictactoe/admin-game", { method: "DELETE" })).status).toBe(200);
    await expect.poll(async () => (await admin("/rooms/game/tictactoe/admin-game")).status).toBe(404);
    expect((await admin("/rooms/game/chess/x")).status).toBe(404);
  });
});

describe("metrics, OpenAPI and Server-Timing", () => {
  it("serves Prometheus text with every family", async () => {
    const response = await admin("/metrics");
    expect(response.headers.get("Content-Type")).toContain("text/plain");
    const text = await response.text();
    for (const family of ["edgeroom_rooms", "edgeroom_connections", "edgeroom_messages_in_total", "edgeroom_bytes_out_total", "edgeroom_refused_inputs_total", "edgeroom_outbox_backlog", "edgeroom_outbox_flush_failures_total", "edgeroom_tick_overruns_total"]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    expect(text).toMatch(/^edgeroom_rooms\{kind="doc"\} \d+$/m);
  });

  it("the OpenAPI document is 3.1, lists every route, and each schema is JSON Schema", async () => {
    type Content = Record<string, { schema: unknown }>;
    type Operation = { parameters: unknown[]; requestBody?: { content: Content }; responses: Record<string, { content?: Content }> };
    const doc = (await (await admin("/openapi.json")).json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(doc.openapi).toBe("3.1.0");
    for (const route of ADMIN_ROUTES) {
      const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
      expect(doc.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
      for (const name of [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1])) {
        expect(doc.paths[path]![route.method]!.parameters).toContainEqual(expect.objectContaining({ name, in: "path", required: true }));
      }
    }
    expect(doc.paths["/v1/admin/rooms"]!.get!.parameters).toContainEqual(expect.objectContaining({ name: "limit", in: "query", required: false }));
    expect(JSON.stringify(doc)).not.toContain("undefined");

    // Every schema of the document: parameters, request bodies and responses.
    const schemas: [string, unknown][] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const at = `${method.toUpperCase()} ${path}`;
        for (const p of operation.parameters as { name: string; schema: unknown }[]) schemas.push([`${at} parameter ${p.name}`, p.schema]);
        for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) schemas.push([`${at} body ${type}`, media.schema]);
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [type, media] of Object.entries(response.content ?? {})) schemas.push([`${at} ${status} ${type}`, media.schema]);
        }
      }
    }
    expect(schemas.length).toBeGreaterThanOrEqual(ADMIN_ROUTES.length * 4); // at least a 200 and three error responses per route
    expect(schemas.flatMap(([where, schema]) => jsonSchemaProblems(schema, doc, where))).toEqual([]);
  });

  it("every HTTP response carries Server-Timing", async () => {
    expect((await exports.default.fetch(`${BASE}/v1/health`)).headers.get("Server-Timing")).toMatch(/^edge;dur=\d/);
    const listing = (await admin("/rooms?limit=1")).headers.get("Server-Timing");
    expect(listing).toContain("storage;dur=");
    expect(listing).toContain("edge;dur=");
    expect((await exports.default.fetch(`${BASE}/v1/nowhere`)).headers.get("Server-Timing")).toContain("edge;dur=");
    const refused = await exports.default.fetch(`${BASE}/v1/doc/room?token=bad`, { headers: { Upgrade: "websocket" } });
    expect(refused.headers.get("Server-Timing")).toContain("auth;dur=");
  });
});
