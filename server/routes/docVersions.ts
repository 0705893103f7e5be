import type { Context } from "hono";
import { getServerByName } from "partyserver";
import { RoomId, roomPath } from "../../protocol/index.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { authorizeRoom } from "../roomRequest.ts";
import { timed } from "../timing.ts";

/** Version ids are `{15-digit time}-{8 hex}`. */
const VERSION_ID = /^\d{15}-[0-9a-f]{8}$/;

async function openRoom(c: Context<AppEnv>) {
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const claims = await authorizeRoom(c, "doc", roomPath("doc", roomId.data));
  if (claims instanceof Response) return claims;
  return timed(c, "room", () => getServerByName(c.env.DocRoom, roomId.data));
}

/** GET /v1/doc/{roomId}/versions: the document's versions, for anyone with a token for the room. */
export async function handleDocVersions(c: Context<AppEnv>): Promise<Response> {
  const room = await openRoom(c);
  if (room instanceof Response) return room;
  return c.json({ versions: await timed(c, "room", () => room.listVersions()) });
}

/** GET /v1/doc/{roomId}/versions/{versionId}: one version as a Yjs update, to preview. */
export async function handleDocVersion(c: Context<AppEnv>): Promise<Response> {
  const room = await openRoom(c);
  if (room instanceof Response) return room;
  const versionId = c.req.param("versionId") ?? "";
  const bytes = VERSION_ID.test(versionId) ? await timed(c, "room", () => room.versionSnapshot(versionId)) : null;
  if (!bytes) return jsonError(c, 404, "unknown_version", `no version "${versionId}"`);
  return new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } });
}
