import { z } from "zod";
import { ROOM_ID_PATTERN, ROOM_ID_RULE } from "./roomIdPattern.ts";

// In a zod-free file so the client SDK can check room ids without shipping zod (clientWire.ts).
export { ROOM_ID_PATTERN } from "./roomIdPattern.ts";

export const RoomId = z.string().regex(ROOM_ID_PATTERN, ROOM_ID_RULE);

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
 * The Durable Object name of a game room, `{gameName}:{roomId}`: the edge builds it to reach the room,
 * the room parses it back to know its game. Room ids hold no ":" (ROOM_ID_PATTERN), so the name splits in two at its ":".
 * Existing objects are addressed by this exact string: it must not change.
 */
export function gameRoomObjectName(gameName: string, roomId: string): string {
  return `${gameName}:${roomId}`;
}

/** The game and room id in a game room's object name (see gameRoomObjectName); empty strings for a name without them. */
export function parseGameRoomObjectName(name: string): { gameName: string; roomId: string } {
  const [gameName = "", roomId = ""] = name.split(":");
  return { gameName, roomId };
}

/**
 * A token's `room` claim: an exact room path (`doc/notes-1`), or a wildcard standing for whole
 * path segments at the end: `*`, `doc/*`, `game/arena/*`. A `*` inside a segment (`doc/team-1*`)
 * is refused rather than read as a prefix: as a prefix it let `doc/team-1*` open `doc/team-10`.
 */
export const ROOM_CLAIM_PATTERN = /^(?:\*|[^*/]+(?:\/[^*/]+)*(?:\/\*)?)$/;

export const RoomClaim = z
  .string()
  .min(1)
  .max(80)
  .regex(
    ROOM_CLAIM_PATTERN,
    "room must be an exact room path, or end in a wildcard that stands for whole path segments (*, doc/*, game/arena/*); doc/team-1* is not allowed",
  );

/**
 * Whether a token's `room` claim covers a room path: the same path, or a path below a wildcard's
 * segments (`doc/*` covers `doc/a`, not `doc`; `*` covers every path). A claim that is not a valid
 * RoomClaim covers nothing.
 */
export function roomClaimCovers(claim: string, path: string): boolean {
  if (!ROOM_CLAIM_PATTERN.test(claim)) return false;
  if (claim === "*") return true;
  if (claim.endsWith("/*")) {
    const parent = claim.slice(0, -1); // keeps the trailing "/", so `doc/*` never covers `doc-x/...`
    return path.length > parent.length && path.startsWith(parent);
  }
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
