import type { Context } from "hono";
import { getServerByName } from "partyserver";
import { RoomId, roomPath } from "../../protocol/index.ts";
import { authorize, tokenOf } from "../auth.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";

/** Version ids are `{15-digit time}-{8 hex}`. */
const VERSION_ID = /^\d{15}-[0-9a-f]{8}$/;

async function openRoom(c: Context<AppEnv>) {
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const auth = await authorize(c.env, tokenOf(c.req.raw), "doc", roomPath("doc", roomId.data));
  if (!auth.ok) return jsonError(c, auth.status, auth.code, auth.message);
  return getServerByName(c.env.DocRoom, roomId.data);
}

/** GET /v1/doc/{roomId}/versions: the document's versions, for anyone with a token for the room. */
export async function handleDocVersions(c: Context<AppEnv>): Promise<Response> {
  const room = await openRoom(c);
  if (room instanceof Response) return room;
  return c.json({ versions: await room.listVersions() });
}

/** GET /v1/doc/{roomId}/versions/{versionId}: one version as a Yjs update, to preview. */
export async function handleDocVersion(c: Context<AppEnv>): Promise<Response> {
  const room = await openRoom(c);
  if (room instanceof Response) return room;
  const versionId = c.req.param("versionId") ?? "";
  const bytes = VERSION_ID.test(versionId) ? await room.versionSnapshot(versionId) : null;
  if (!bytes) return jsonError(c, 404, "unknown_version", `no version "${versionId}"`);
  return new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } });
}
