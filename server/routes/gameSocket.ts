import type { Context } from "hono";
import { getServerByName } from "partyserver";
import { RoomId, roomPath } from "../../protocol/index.ts";
import { logEvent } from "../../rooms/log.ts";
import { findGame } from "../../rooms/game/registry.ts";
import { authorize, tokenOf } from "../auth.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { choosePlacement } from "../placement.ts";
import { forwardToRoom } from "./roomForward.ts";

/** WebSocket /v1/game/{gameName}/{roomId}: checked like document rooms, and unknown games are a 404 first. */
export async function handleGameSocket(c: Context<AppEnv>): Promise<Response> {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const path = roomPath("game", `${game.name}/${roomId.data}`);

  const auth = await authorize(c.env, tokenOf(c.req.raw), "game", path);
  if (!auth.ok) {
    logEvent("auth_refused", { room: path, status: auth.status, code: auth.code });
    return jsonError(c, auth.status, auth.code, auth.message);
  }
  const placement = choosePlacement(c.req.raw);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(c, 426, "upgrade_required", "connect with a WebSocket");
  }
  const room = await getServerByName(c.env.GameRoom, `${game.name}:${roomId.data}`, { locationHint: placement.hint });
  return room.fetch(forwardToRoom(c, auth.claims, path, placement.hint));
}
