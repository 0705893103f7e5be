import type { Context } from "hono";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { handleDocSocket } from "./docSocket.ts";

/**
 * The PartyKit party names served, each onto doc rooms: y-partyserver's YProvider connects to
 * `/parties/main/{room}` unless told otherwise, and `doc` reads as what it is. A party is
 * PartyKit's name for a room class; Edgeroom's game rooms are reached only under /v1/game, so
 * a PartyKit client is never silently attached to the wrong kind of room.
 */
export const DOC_PARTIES = ["main", "doc"] as const;

/**
 * WebSocket /parties/{party}/{room}: the PartyKit path, so YProvider(host, room, doc, { params: { token } })
 * and partysocket reach doc room {room} with only the host and token changed. It is the doc
 * socket itself (handleDocSocket): the same room id, token (`?token=`, for `doc/{room}`),
 * origin, region and upgrade checks, and the edge still chooses the connection id (`_pk`).
 */
export function handlePartiesSocket(c: Context<AppEnv>): Promise<Response> | Response {
  const party = c.req.param("party");
  if (!(DOC_PARTIES as readonly string[]).includes(party ?? "")) {
    return jsonError(c, 404, "unknown_party", `no party "${party}": the parties served are ${DOC_PARTIES.join(", ")} (doc rooms)`);
  }
  return handleDocSocket(c);
}
