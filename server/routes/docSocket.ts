import type { Context } from "hono";
import { RoomId, roomPath } from "../../protocol/index.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { checkRoomRequest } from "../roomRequest.ts";
import { timed } from "../timing.ts";
import { forwardToRoom } from "./roomForward.ts";

/**
 * WebSocket /v1/doc/{roomId}. Everything is checked here, before any Durable Object is
 * touched: the room id, the token, the region.
 */
export async function handleDocSocket(c: Context<AppEnv>): Promise<Response> {
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  const path = roomPath("doc", roomId.data);
  const checked = await checkRoomRequest(c, "doc", path);
  if (checked instanceof Response) return checked;
  // One hop: fetch() itself starts the room (partyserver reads its name from the id), so the
  // extra start-up RPC of getServerByName is not needed on the connection path.
  const room = c.env.DocRoom.getByName(roomId.data, { locationHint: checked.hint });
  return timed(c, "room", () => room.fetch(forwardToRoom(c, checked.claims, path, checked.hint)));
}
