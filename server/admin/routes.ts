import type { Context } from "hono";
import { getServerByName } from "partyserver";
import { z } from "zod";
import { D1RoomDirectory } from "../../persistence/index.ts";
import { DirectoryEntry, RoomId, gameRoomObjectName } from "../../protocol/index.ts";
import { findGame } from "../../rooms/game/registry.ts";
import { logEvent } from "../../rooms/log.ts";
import type { AppEnv } from "../app.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { jsonError } from "../errors.ts";
import { readJsonBody } from "../jsonBody.ts";
import { timed } from "../timing.ts";
import { METRICS_MAX_ROOMS, renderMetrics } from "./metrics.ts";

/** The largest document an import accepts, in bytes (a whole document in one update). */
const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

// ---- schemas: the single source of the admin API's validation and of its OpenAPI document ----

export const ListRoomsQuery = z
  .object({
    kind: z.enum(["doc", "game"]).optional(),
    game: z.string().max(32).optional(),
    active: z.enum(["true", "false"]).optional().describe("only rooms with (true) or without (false) connections"),
    region: z.string().max(8).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(300).optional(),
  })
  .strict();
export const RoomPage = z.object({ rooms: z.array(DirectoryEntry), nextCursor: z.string().nullable() });
export const KickBody = z
  .object({ connectionId: z.string().max(64).optional(), userId: z.string().max(128).optional(), reason: z.string().min(1).max(100) })
  .strict()
  .refine((b) => (b.connectionId === undefined) !== (b.userId === undefined), "give exactly one of connectionId and userId");
export const BroadcastBody = z.object({ message: z.string().min(1).max(1000) }).strict();
export const LockBody = z.object({ locked: z.boolean() }).strict();
export const Done = z.object({ ok: z.literal(true) });
export const KickResult = z.object({ kicked: z.number().int() });
export const BroadcastResult = z.object({ recipients: z.number().int() });
export const PurgeResult = z.object({
  ok: z.literal(true),
  isComplete: z.boolean().describe("false when R2 objects remain past the per-request bound: send DELETE again; the room stays until then"),
  removed: z.object({
    r2Objects: z.number().int().describe("document versions or replays deleted from R2"),
    r2Bytes: z.number().int(),
    directoryRows: z.number().int().describe("rows removed from the room directory in D1"),
    sqliteRows: z.number().int().describe("rows removed from the room's Durable Object SQLite"),
  }),
  kept: z.array(z.string()).describe("what a room delete leaves on purpose (leaderboard entries belong to players)"),
});
export const DocVersionInfo = z.object({ id: z.string(), createdAt: z.number().int(), bytes: z.number().int(), editors: z.array(z.string()), isUploaded: z.boolean() });
export const TakeVersionResult = z.object({
  version: DocVersionInfo.nullable(),
  skipped: z.enum(["empty", "unchanged", "outbox_full"]).optional().describe("why no version was taken (outbox_full: R2 is behind; try later)"),
});
export const RoomDetails = z.record(z.string(), z.unknown()).describe("the room's inspection: directory entry, connections, and kind-specific state");

type RoomRef = { kind: "doc"; roomId: string } | { kind: "game"; gameName: string; roomId: string };

export interface AdminRoute {
  method: "get" | "post" | "delete";
  /** Hono path; room routes exist once per room kind (see `roomPaths`). */
  path: string;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType | "binary";
  response: z.ZodType | "binary" | "text";
  handle: (c: Context<AppEnv>) => Promise<Response>;
}

/** A room route for both kinds: `/rooms/doc/{roomId}...` and `/rooms/game/{gameName}/{roomId}...`. */
function roomRoutes(suffix: string, spec: Omit<AdminRoute, "path" | "handle"> & { handle: (c: Context<AppEnv>, room: RoomRef) => Promise<Response> }): AdminRoute[] {
  const handle = async (c: Context<AppEnv>) => {
    const room = parseRoom(c);
    if (room instanceof Response) return room;
    return spec.handle(c, room);
  };
  return [
    { ...spec, path: `/v1/admin/rooms/doc/:roomId${suffix}`, handle },
    { ...spec, path: `/v1/admin/rooms/game/:gameName/:roomId${suffix}`, handle },
  ];
}

function parseRoom(c: Context<AppEnv>): RoomRef | Response {
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const gameName = c.req.param("gameName");
  if (gameName === undefined) return { kind: "doc", roomId: roomId.data };
  if (!findGame(gameName)) return jsonError(c, 404, "unknown_game", `no game named "${gameName}"`);
  return { kind: "game", gameName, roomId: roomId.data };
}

/** A stub after checking its room was ever used: a 404 otherwise. */
async function existing<S extends { exists(): Promise<boolean> | boolean }>(c: Context<AppEnv>, open: () => Promise<S>): Promise<S | Response> {
  const stub = await timed(c, "room", open);
  return (await timed(c, "room", async () => stub.exists())) ? stub : jsonError(c, 404, "unknown_room", "no such room");
}

const docStub = (c: Context<AppEnv>, roomId: string) => existing(c, () => getServerByName(c.env.DocRoom, roomId));
const gameStub = (c: Context<AppEnv>, gameName: string, roomId: string) =>
  existing(c, () => getServerByName(c.env.GameRoom, gameRoomObjectName(gameName, roomId)));

/** Either room kind, for the operations both have. */
function openRoom(c: Context<AppEnv>, room: RoomRef) {
  return room.kind === "doc" ? docStub(c, room.roomId) : gameStub(c, room.gameName, room.roomId);
}

/** A document room, or a 400 for a game room. */
async function docRoom(c: Context<AppEnv>, room: RoomRef) {
  if (room.kind !== "doc") return jsonError(c, 400, "document_only", "this operation is for document rooms");
  return docStub(c, room.roomId);
}

/** A handler that reads a JSON body with `schema`, opens the room, then acts. */
function withBody<T>(schema: z.ZodType<T>, act: (c: Context<AppEnv>, stub: Exclude<Awaited<ReturnType<typeof openRoom>>, Response>, body: T) => Promise<Response>) {
  return async (c: Context<AppEnv>, room: RoomRef) => {
    const body = await parseBody(c, schema);
    if (body instanceof Response) return body;
    const stub = await openRoom(c, room);
    return stub instanceof Response ? stub : act(c, stub, body);
  };
}

async function parseBody<T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<T | Response> {
  const body = await readJsonBody(c, schema, 4096, "see /v1/admin/openapi.json");
  return body.ok ? body.value : body.response;
}

const pathOf = (room: RoomRef) => (room.kind === "doc" ? `doc/${room.roomId}` : `game/${room.gameName}/${room.roomId}`);

export const ADMIN_ROUTES: AdminRoute[] = [
  {
    method: "get",
    path: "/v1/admin/rooms",
    summary: "A page of rooms from the directory, most recently active first",
    query: ListRoomsQuery,
    response: RoomPage,
    handle: async (c) => {
      const query = ListRoomsQuery.safeParse(c.req.query());
      if (!query.success) return jsonError(c, 400, "bad_query", z.prettifyError(query.error));
      let after: { lastActiveAt: number; room: string } | undefined;
      if (query.data.cursor) {
        const decoded = decodeCursor(query.data.cursor);
        if (!decoded) return jsonError(c, 400, "bad_cursor", "cursor is not one this service issued");
        after = { lastActiveAt: decoded[0], room: decoded[1] };
      }
      const rooms = await timed(c, "storage", () =>
        new D1RoomDirectory(c.env.DB).list({
          kind: query.data.kind,
          game: query.data.game,
          isActive: query.data.active === undefined ? undefined : query.data.active === "true",
          region: query.data.region,
          limit: query.data.limit,
          after,
        }),
      );
      const last = rooms.at(-1);
      const nextCursor = rooms.length === query.data.limit && last ? encodeCursor([last.lastActiveAt, last.room]) : null;
      return c.json({ rooms, nextCursor });
    },
  },
  ...roomRoutes("", {
    method: "get",
    summary: "Inspect one room: connections, state, outbox",
    response: RoomDetails,
    handle: async (c, room) => {
      const stub = await openRoom(c, room);
      if (stub instanceof Response) return stub;
      return c.json(await timed(c, "room", () => stub.inspect()));
    },
  }),
  ...roomRoutes("/kick", {
    method: "post",
    summary: "Close a connection, or every connection of a user, with 4403",
    body: KickBody,
    response: KickResult,
    handle: withBody(KickBody, async (c, stub, body) =>
      // `userId` is the kick body's public name (README, admin API); rooms name the token's claim `sub`.
      c.json({ kicked: await stub.kick({ connectionId: body.connectionId, sub: body.userId }, body.reason) }),
    ),
  }),
  ...roomRoutes("/broadcast", {
    method: "post",
    summary: "Send a system message to every client (SDK clients raise it as an event)",
    body: BroadcastBody,
    response: BroadcastResult,
    handle: withBody(BroadcastBody, async (c, stub, body) => c.json({ recipients: await stub.broadcastSystem(body.message) })),
  }),
  ...roomRoutes("/lock", {
    method: "post",
    summary: "Lock a room: a document becomes read-only, a game room takes no new players",
    body: LockBody,
    response: Done,
    handle: withBody(LockBody, async (c, stub, body) => {
      await stub.setLocked(body.locked);
      return c.json({ ok: true });
    }),
  }),
  ...roomRoutes("/export", {
    method: "get",
    summary: "A document as one Yjs update (binary), or a game room's state and match record (JSON)",
    response: "binary",
    handle: async (c, room) => {
      if (room.kind === "doc") {
        const stub = await docRoom(c, room);
        if (stub instanceof Response) return stub;
        return new Response(await stub.exportDocument(), { headers: { "Content-Type": "application/octet-stream" } });
      }
      const stub = await gameStub(c, room.gameName, room.roomId);
      if (stub instanceof Response) return stub;
      return c.json(await stub.exportRoom());
    },
  }),
  ...roomRoutes("/import", {
    method: "post",
    summary: "Merge a Yjs update (binary body) into a document",
    body: "binary",
    response: Done,
    handle: async (c, room) => {
      const stub = await docRoom(c, room);
      if (stub instanceof Response) return stub;
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength === 0) return jsonError(c, 400, "empty_body", "send the Yjs update as the body");
      if (bytes.byteLength > MAX_IMPORT_BYTES) return jsonError(c, 413, "body_too_large", `body is over ${MAX_IMPORT_BYTES} bytes`);
      const result = await stub.importDocument(bytes);
      return result.ok ? c.json({ ok: true }) : jsonError(c, 400, "bad_update", result.message);
    },
  }),
  ...roomRoutes("/versions", {
    method: "get",
    summary: "A document's versions, oldest first",
    response: z.object({ versions: z.array(z.record(z.string(), z.unknown())) }),
    handle: async (c, room) => {
      const stub = await docRoom(c, room);
      if (stub instanceof Response) return stub;
      return c.json({ versions: await stub.listVersions() });
    },
  }),
  ...roomRoutes("/versions", {
    method: "post",
    summary: "Take a document version now, not held to the once-a-minute floor (none for an empty or unchanged document)",
    response: TakeVersionResult,
    handle: async (c, room) => {
      const stub = await docRoom(c, room);
      if (stub instanceof Response) return stub;
      const outcome = await stub.takeVersionNow();
      logEvent("admin_version", { room: pathOf(room), outcome: outcome.type });
      if (outcome.type === "taken") return c.json({ version: outcome.version });
      return c.json({ version: null, skipped: outcome.reason });
    },
  }),
  ...roomRoutes("/versions/:versionId/restore", {
    method: "post",
    summary: "Restore a document version, as a new update",
    response: Done,
    handle: async (c, room) => {
      const stub = await docRoom(c, room);
      if (stub instanceof Response) return stub;
      const versionId = c.req.param("versionId") ?? "";
      if (!(await stub.restoreVersion(versionId))) return jsonError(c, 404, "unknown_version", `no version "${versionId}"`);
      logEvent("admin_restore", { room: pathOf(room), versionId });
      return c.json({ ok: true });
    },
  }),
  ...roomRoutes("", {
    method: "delete",
    summary: "Close every connection with 4404, delete the room's R2 objects, its DO SQLite and its directory row; report what was removed",
    response: PurgeResult,
    handle: async (c, room) => {
      const stub = await openRoom(c, room);
      if (stub instanceof Response) return stub;
      const report = await stub.purge();
      return c.json({ ok: true, ...report });
    },
  }),
  {
    method: "get",
    path: "/v1/admin/metrics",
    summary: `Counters in the Prometheus text format, summed over the ${METRICS_MAX_ROOMS} most recently active rooms of the directory (edgeroom_metrics_rooms_covered / _total say how many)`,
    response: "text",
    handle: async (c) => {
      const directory = new D1RoomDirectory(c.env.DB);
      const [rooms, total] = await timed(c, "storage", () => Promise.all([directory.recent(METRICS_MAX_ROOMS), directory.count()]));
      return c.text(renderMetrics(rooms, Math.max(total, rooms.length)), 200, {
        "Content-Type": "text/plain; version=0.0.4",
        "X-Edgeroom-Metrics-Coverage": `${rooms.length}/${Math.max(total, rooms.length)}`,
      });
    },
  },
];
