import type { Context } from "hono";
import { z } from "zod";
import { Region, gameRoomObjectName, roomPath, type AnyGame, type VerifiedTokenClaims } from "../../protocol/index.ts";
import { findGame } from "../../rooms/game/registry.ts";
import { matchmakerFor } from "../../rooms/game/seatReports.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { readJsonBody } from "../jsonBody.ts";
import { choosePlacement } from "../placement.ts";
import { takeToken } from "../../rooms/RateLimiter.ts";
import { authorizeRoom } from "../roomRequest.ts";
import { timed } from "../timing.ts";
import { forwardedRequest } from "./roomForward.ts";

const MatchRequest = z.object({ mode: z.enum(["quick", "private"]), region: Region.optional() });
/** Largest body this route reads, in bytes. */
const MAX_BODY_BYTES = 1024;

/**
 * The game a match route names and the player asking: 404 for an unknown game, the token checked for
 * every room of it (`game/{gameName}/*`), 403 for a role other than player. Both match routes start here.
 */
async function matchingPlayer(c: Context<AppEnv>): Promise<{ game: AnyGame; claims: VerifiedTokenClaims } | Response> {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const claims = await authorizeRoom(c, "game", roomPath("game", `${game.name}/*`));
  if (claims instanceof Response) return claims;
  if (claims.role !== "player") return jsonError(c, 403, "role_not_allowed", "only players join matches");
  return { game, claims };
}

/** POST /v1/match/{gameName}: a room with a free seat (quick) or a new private one. */
export async function handleMatch(c: Context<AppEnv>): Promise<Response> {
  const player = await matchingPlayer(c);
  if (player instanceof Response) return player;
  const { game, claims } = player;

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

/**
 * WebSocket /v1/match/{gameName}/join?token=&region=: a quick join in one request. The matchmaker
 * picks a room with a free seat, as POST /v1/match/{gameName} does for mode "quick", and the socket goes
 * straight to it: one request per player where the POST and the room's socket made two, and one HTTP
 * request costs workerd about 0.4 ms of CPU (bench/requestCost.mjs; a storm joins 1.6-1.8x faster,
 * BENCHMARKS.md). The welcome names the room (`roomId`); a reconnect goes to the room's own URL with the seat's resume token. The token
 * must grant a player role on every room of the game (`game/{gameName}/*`), as the POST's must.
 */
export async function handleMatchSocket(c: Context<AppEnv>): Promise<Response> {
  const player = await matchingPlayer(c);
  if (player instanceof Response) return player;
  const { game, claims } = player;
  // Not checkRoomRequest: the role's 403 must come before the 426, so a client learning why its
  // upgrade failed (a plain GET) hears of its role, not of the upgrade.
  const url = new URL(c.req.url);
  const placement = choosePlacement(c.req.raw, url);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  // Checked before the matchmaker: a plain GET (a client learning why its upgrade failed) reserves no seat.
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return jsonError(c, 426, "upgrade_required", "connect with a WebSocket");

  const roomId = await matchmakerFor(c.env, game.name, placement.hint ?? "any").quick(game.maxPlayers, claims.sub);
  const path = roomPath("game", `${game.name}/${roomId}`);
  url.pathname = `/v1/game/${encodeURIComponent(game.name)}/${roomId}`;
  const room = c.env.GameRoom.getByName(gameRoomObjectName(game.name, roomId), { locationHint: placement.hint });
  return timed(c, "room", () => room.fetch(forwardedRequest(c.req.raw, url, claims, path, placement.hint)));
}

/** GET /v1/match/{gameName}/open?region=: public rooms with a free seat and a player present or on the way, for a lobby screen. */
export async function handleOpenRooms(c: Context<AppEnv>): Promise<Response> {
  const game = findGame(c.req.param("gameName") ?? "");
  if (!game) return jsonError(c, 404, "unknown_game", `no game named "${c.req.param("gameName")}"`);
  const placement = choosePlacement(c.req.raw);
  if (!placement.ok) return jsonError(c, 400, "bad_region", placement.message);
  const region = placement.hint ?? "any";
  return c.json({ region, rooms: await matchmakerFor(c.env, game.name, region).open() });
}
