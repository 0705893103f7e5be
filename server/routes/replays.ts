import type { Context } from "hono";
import { z } from "zod";
import { R2ReplayArchive } from "../../persistence/index.ts";
import { RoomId } from "../../protocol/index.ts";
import { findGame } from "../../rooms/game/registry.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";

const MatchId = z.string().uuid();
/** Matches one listing returns at most. */
const MAX_LISTED = 100;

function parseRoom(c: Context<AppEnv>): { game: string; roomId: string } | Response {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const roomId = RoomId.safeParse(c.req.param("roomId"));
  if (!roomId.success) return jsonError(c, 400, "bad_room_id", roomId.error.issues[0]?.message ?? "bad room id");
  return { game: game.name, roomId: roomId.data };
}

/** GET /v1/replays/{gameName}/{roomId}: the room's stored matches, oldest first. */
export async function handleReplayList(c: Context<AppEnv>): Promise<Response> {
  const room = parseRoom(c);
  if (room instanceof Response) return room;
  const matches = await new R2ReplayArchive(c.env.ARCHIVE).list(room.game, room.roomId, MAX_LISTED);
  return c.json({ game: room.game, roomId: room.roomId, matches });
}

/** GET /v1/replays/{gameName}/{roomId}/{matchId}: one match's record, streamed as JSON. */
export async function handleReplay(c: Context<AppEnv>): Promise<Response> {
  const room = parseRoom(c);
  if (room instanceof Response) return room;
  const matchId = MatchId.safeParse(c.req.param("matchId"));
  if (!matchId.success) return jsonError(c, 400, "bad_match_id", "match ids are UUIDs");
  const stream = await new R2ReplayArchive(c.env.ARCHIVE).get(room.game, room.roomId, matchId.data);
  if (!stream) return jsonError(c, 404, "unknown_match", `no stored match ${matchId.data} in ${room.game}/${room.roomId}`);
  return new Response(stream, { headers: { "Content-Type": "application/json" } });
}
