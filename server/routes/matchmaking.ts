import type { Context } from "hono";
import { z } from "zod";
import { Region, roomPath } from "../../protocol/index.ts";
import { findGame } from "../../rooms/game/registry.ts";
import { matchmakerFor } from "../../rooms/game/seatReports.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { readJsonBody } from "../jsonBody.ts";
import { choosePlacement } from "../placement.ts";
import { takeToken } from "../../rooms/RateLimiter.ts";
import { authorizeRoom } from "../roomRequest.ts";

const MatchRequest = z.object({ mode: z.enum(["quick", "private"]), region: Region.optional() });
/** Largest body this route reads, in bytes. */
const MAX_BODY_BYTES = 1024;

/** POST /v1/match/{gameName}: a room with a free seat (quick) or a new private one. */
export async function handleMatch(c: Context<AppEnv>): Promise<Response> {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const claims = await authorizeRoom(c, "game", roomPath("game", `${game.name}/*`));
  if (claims instanceof Response) return claims;
  if (claims.role !== "player") return jsonError(c, 403, "role_not_allowed", "only players join matches");

  const body = await readJsonBody(c, MatchRequest, MAX_BODY_BYTES, '{ "mode": "quick" | "private", "region"? }');
  if (!body.ok) return body.response;
  const placement = choosePlacement(c.req.raw);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  const region = body.value.region ?? placement.hint ?? "any";

  if (body.value.mode === "private") {
    // A private match is a new room: it counts against the user's room creations.
    const verdict = await takeToken(c.env, "room-creation", claims.sub);
    if (!verdict.isAllowed) {
      c.header("Retry-After", String(verdict.retryAfterSeconds));
      return jsonError(c, 429, "room_creation_limited", `at most ${verdict.perMinute} new rooms a minute per user; retry in ${verdict.retryAfterSeconds} s`);
    }
  }
  const matchmaker = matchmakerFor(c.env, game.name, region);
  const roomId = body.value.mode === "quick" ? await matchmaker.quick(game.maxPlayers, claims.sub) : await matchmaker.createPrivate(game.maxPlayers, claims.sub);
  return c.json({ roomId, region, ...(body.value.mode === "private" ? { joinCode: roomId } : {}) });
}

/** GET /v1/match/{gameName}/open?region=: public rooms with a free seat, for a lobby screen. */
export async function handleOpenRooms(c: Context<AppEnv>): Promise<Response> {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const placement = choosePlacement(c.req.raw);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  const region = placement.hint ?? "any";
  return c.json({ region, rooms: await matchmakerFor(c.env, game.name, region).open() });
}
