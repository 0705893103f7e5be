import { z } from "zod";

/** Room ids: letters, digits, `_` and `-`, 1 to 64 characters. Checked at the edge before any Durable Object is touched. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const RoomId = z.string().regex(ROOM_ID_PATTERN, "room ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");

/** Room kinds and the roles a token may carry for each. */
export const ROLES_BY_KIND = {
  doc: ["editor", "viewer"],
  game: ["player", "spectator"],
} as const;

export type RoomKind = keyof typeof ROLES_BY_KIND;
export const DocRole = z.enum(ROLES_BY_KIND.doc);
export type DocRole = z.infer<typeof DocRole>;

/** The path a token's `room` claim names, such as `doc/notes-1`. */
export function roomPath(kind: RoomKind, roomId: string): string {
  return `${kind}/${roomId}`;
}

/**
 * Whether a token's `room` claim covers a room path: an exact path, or a pattern
 * ending in `*` that covers every path starting with what precedes it (`doc/*`, `*`).
 */
export function roomClaimCovers(claim: string, path: string): boolean {
  if (claim.endsWith("*")) return path.startsWith(claim.slice(0, -1));
  return claim === path;
}

/**
 * Durable Object location hints a client may ask for with `?region=`.
 * https://developers.cloudflare.com/durable-objects/reference/data-location/
 */
export const Region = z.enum(["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"]);
export type Region = z.infer<typeof Region>;

/** Header on which the edge passes the chosen location hint to a room, which records it once. */
export const LOCATION_HINT_HEADER = "x-edgeroom-location-hint";
