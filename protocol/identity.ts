import { z } from "zod";
import { RoomClaim, RoomId } from "./rooms.ts";

/** Claims of an Edgeroom access token (a JWT signed with HS256). */
export const TokenClaims = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().min(1).max(64).optional(),
  room: RoomClaim,
  role: z.string().min(1).max(32),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

/** Claims of a token the edge verified, with its expiry (seconds since the epoch), which verification requires. */
export const VerifiedTokenClaims = TokenClaims.extend({ exp: z.number() });
export type VerifiedTokenClaims = z.infer<typeof VerifiedTokenClaims>;

/**
 * What a client asks its app's backend a token for: the SDK's `getToken` argument. Ids are plain
 * room ids (no `*`, no `/`), so a backend that maps one to a room claim can never be asked for a wildcard.
 */
export const TokenRequest = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("doc"), roomId: RoomId }),
  z.object({ kind: z.literal("game"), gameName: RoomId, roomId: RoomId }),
  z.object({ kind: z.literal("match"), gameName: RoomId }),
]);
export type TokenRequest = z.infer<typeof TokenRequest>;

/** Body of `POST /v1/dev/token`. */
export const DevTokenRequest = TokenClaims;
export type DevTokenRequest = TokenClaims;

/**
 * The identity the edge hands a room after verifying a token. The room parses it again
 * rather than trusting it: a request that skipped the edge carries no valid identity.
 */
export const RoomIdentity = z.object({
  sub: TokenClaims.shape.sub,
  name: TokenClaims.shape.name,
  role: TokenClaims.shape.role,
  /** The room path the token was checked against, such as `doc/notes-1`. */
  room: z.string(),
  /** When the token expires, in seconds since the epoch: the room closes the socket then, with 4440. */
  exp: VerifiedTokenClaims.shape.exp,
});
export type RoomIdentity = z.infer<typeof RoomIdentity>;

export const IDENTITY_HEADER = "x-edgeroom-identity";

export function encodeIdentityHeader(identity: RoomIdentity): string {
  return JSON.stringify(identity);
}

export function decodeIdentityHeader(value: string | null): RoomIdentity | null {
  if (value === null) return null;
  try {
    const parsed = RoomIdentity.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
