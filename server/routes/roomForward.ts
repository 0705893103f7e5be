import type { Context } from "hono";
import { IDENTITY_HEADER, LOCATION_HINT_HEADER, encodeIdentityHeader, type Region, type VerifiedTokenClaims } from "../../protocol/index.ts";
import type { AppEnv } from "../app.ts";

/**
 * The client headers a room may see: those of the WebSocket handshake itself. Nothing else
 * passes, so no client-chosen `x-partykit-*` header reaches partyserver (`x-partykit-props`
 * is decoded by partyserver before any room code runs, and a bad one threw there), and no
 * cookie or client-made identity header reaches the room.
 */
const FORWARDED_HEADERS = ["Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol"] as const;

/**
 * The query parameter partyserver takes a socket's connection id from. The edge always sets
 * it: a client-chosen id let one socket take another's id (partyserver addresses sockets by
 * id, so the first one went silent), and one over 256 characters made partyserver throw.
 */
const CONNECTION_ID_PARAM = "_pk";

/**
 * The request a room receives, built from nothing but what the edge means to send: the
 * handshake headers, the verified identity and placement (which the edge always writes), and
 * a connection id the edge chooses. The token, every other query parameter and every other
 * header stay at the edge (partyserver keeps the URL in the socket attachment, so nothing
 * stored holds a credential). The identity carries the token's `exp`, so the room can close
 * the socket when the token expires.
 */
export function forwardToRoom(c: Context<AppEnv>, claims: VerifiedTokenClaims, path: string, hint: Region | undefined): Request {
  return forwardedRequest(c.req.raw, new URL(c.req.url), claims, path, hint);
}

/** forwardToRoom for a request whose URL is parsed already; `url` becomes the forwarded request's. */
export function forwardedRequest(request: Request, url: URL, claims: VerifiedTokenClaims, path: string, hint: Region | undefined): Request {
  url.search = "";
  url.searchParams.set(CONNECTION_ID_PARAM, crypto.randomUUID());
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set(IDENTITY_HEADER, encodeIdentityHeader({ sub: claims.sub, name: claims.name, role: claims.role, room: path, exp: claims.exp }));
  if (hint) headers.set(LOCATION_HINT_HEADER, hint);
  return new Request(url, { headers });
}
