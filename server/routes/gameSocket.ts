import type { Context } from "hono";
import { RoomId, gameRoomObjectName, roomPath } from "../../protocol/index.ts";
import { findGame } from "../../rooms/game/registry.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { checkRoomRequest } from "../roomRequest.ts";
import { timed } from "../timing.ts";
import { forwardToRoom } from "./roomForward.ts";

/** WebSocket /v1/game/{gameName}/{roomId}: checked like document rooms, and unknown games are a 404 first. */
export async function handleGameSocket(c: Context<AppEnv>): Promise<Response> {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const path = roomPath("game", `${game.name}/${roomId.data}`);
  const checked = await checkRoomRequest(c, "game", path);
  if (checked instanceof Response) return checked;
  // One hop: fetch() itself starts the room (partyserver reads its name from the id), so the
  // extra start-up RPC of getServerByName is not needed on the connection path.
  const room = c.env.GameRoom.getByName(gameRoomObjectName(game.name, roomId.data), { locationHint: checked.hint });
  return timed(c, "room", () => room.fetch(forwardToRoom(c, checked.claims, path, checked.hint)));
}
