import type { Context } from "hono";
import { getServerByName } from "partyserver";
import { RoomId, roomPath } from "../../protocol/index.ts";
import { logEvent } from "../../rooms/log.ts";
import { authorize, tokenOf } from "../auth.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { choosePlacement } from "../placement.ts";
import { forwardToRoom } from "./roomForward.ts";

/**
 * WebSocket /v1/doc/{roomId}. Everything is checked here, before any Durable Object is
 * touched: the room id, the token, the region. A plain GET gets the same checks and then
 * 426, so a browser client whose upgrade failed can ask why.
 */
export async function handleDocSocket(c: Context<AppEnv>): Promise<Response> {
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const path = roomPath("doc", roomId.data);

  const auth = await authorize(c.env, tokenOf(c.req.raw), "doc", path);
  if (!auth.ok) {
    logEvent("auth_refused", { room: path, status: auth.status, code: auth.code });
    return jsonError(c, auth.status, auth.code, auth.message);
  }
  const placement = choosePlacement(c.req.raw);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "upgrade_required", "connect with a WebSocket");
  }

  const room = await getServerByName(c.env.DocRoom, roomId.data, { locationHint: placement.hint });
  return room.fetch(forwardToRoom(c, auth.claims, path, placement.hint));
}
