import type { Context } from "hono";
import { getServerByName } from "partyserver";
import {
  IDENTITY_HEADER,
  LOCATION_HINT_HEADER,
  RoomId,
  encodeIdentityHeader,
  roomPath,
} from "../../protocol/index.ts";
import { logEvent } from "../../rooms/log.ts";
import { authorize, tokenOf } from "../auth.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { choosePlacement } from "../placement.ts";

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

  // The token stays at the edge: the room gets the verified identity, and nothing it
  // stores (partyserver keeps the URL in the socket attachment) holds a credential.
  const url = new URL(c.req.url);
  url.searchParams.delete("token");
  const headers = new Headers(c.req.raw.headers);
  headers.delete("Authorization");
  headers.set(
    IDENTITY_HEADER,
    encodeIdentityHeader({ sub: auth.claims.sub, name: auth.claims.name, role: auth.claims.role, room: path }),
  );
  if (placement.hint) headers.set(LOCATION_HINT_HEADER, placement.hint);
  else headers.delete(LOCATION_HINT_HEADER);

  const room = await getServerByName(c.env.DocRoom, roomId.data, { locationHint: placement.hint });
  return room.fetch(new Request(url, { headers }));
}
