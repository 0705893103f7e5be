import type { Context } from "hono";
import { IDENTITY_HEADER, LOCATION_HINT_HEADER, encodeIdentityHeader, type Region, type TokenClaims } from "../../protocol/index.ts";
import type { AppEnv } from "../app.ts";

/**
 * The request a room receives: the token stays at the edge (partyserver keeps the URL in
 * the socket attachment, so nothing stored holds a credential), and the verified identity
 * and placement travel in headers the edge always overwrites.
 */
export function forwardToRoom(c: Context<AppEnv>, claims: TokenClaims, path: string, hint: Region | undefined): Request {
  const url = new URL(c.req.url);
  url.searchParams.delete("token");
  const headers = new Headers(c.req.raw.headers);
  headers.delete("Authorization");
  headers.set(IDENTITY_HEADER, encodeIdentityHeader({ sub: claims.sub, name: claims.name, role: claims.role, room: path }));
  if (hint) headers.set(LOCATION_HINT_HEADER, hint);
  else headers.delete(LOCATION_HINT_HEADER);
  return new Request(url, { headers });
}
