/**
 * `edgeroom/token`: signs access tokens in your own backend, after it has checked its own session.
 * It imports jose, zod and the protocol's schemas only (no Workers or Node built-ins), so the same
 * module runs in Node 20+, Bun, Deno and Workers.
 */
import { TokenClaims, TokenRequest } from "../protocol/identity.ts";
import { ROLES_BY_KIND, type RoomKind } from "../protocol/rooms.ts";
import { checkSecretLength } from "./secretLength.ts";
import { signToken } from "./signToken.ts";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "./tokenPolicy.ts";

/**
 * What the SDK's `getToken` asks your backend for (`{ kind: "doc", roomId }`, `{ kind: "game", gameName,
 * roomId }` or `{ kind: "match", gameName }`), as a zod schema and its type: parse your route's body with
 * it to pick the role before `roomClaimFor`.
 */
export { TokenRequest } from "../protocol/identity.ts";

/** Lifetime of a token when the caller names none, in seconds: the SDK fetches a fresh one on every reconnect. */
export const DEFAULT_TOKEN_TTL_SECONDS = 60 * 60;
/**
 * Longest lifetime createToken signs, in seconds: the server's default MAX_TOKEN_LIFETIME_SECONDS,
 * past which it refuses a token (401 token_lifetime_too_long) however well signed.
 */
export const MAX_TOKEN_TTL_SECONDS = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;

export interface CreateTokenOptions {
  /** The user's stable id; rooms see it as the connection's identity. 1-128 characters. */
  sub: string;
  /** A display name rooms may show. 1-64 characters. */
  name?: string;
  /** The room path the token opens (`doc/notes-1`, `game/arena/r1`), or a wildcard over whole segments: `*`, `doc/*`, `game/arena/*`. */
  room: string;
  /** `editor` or `viewer` for documents, `player` or `spectator` for games. */
  role: string;
  /** Seconds from now until `exp`; default 3600, at most 86400. */
  ttlSeconds?: number;
  /** The `aud` claim; must name the service's AUTH_AUDIENCE when it sets one. */
  audience?: string;
  /** The `iss` claim; must equal the service's AUTH_ISSUER when it sets one. */
  issuer?: string;
}

/**
 * Signs an Edgeroom access token (an HS256 JWT with `iat` and `exp`) with the service's AUTH_SECRET.
 * Throws an Error naming the input when the claims would be refused by the service: a bad room
 * claim (such as `doc/team-1*`), a role the room's kind does not have, a secret under 32 bytes, or
 * a ttl past 24 h.
 *
 * @example
 * ```ts
 * import { createToken } from "edgeroom/token";
 * const token = await createToken({ sub: user.id, name: user.name, room: "doc/notes-1", role: "editor" }, env.AUTH_SECRET);
 * ```
 */
export async function createToken(options: CreateTokenOptions, secret: string): Promise<string> {
  const { ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS, audience, issuer } = options;
  const claims = checkClaims(options);
  // Most often an unset environment variable (`process.env.AUTH_SECRET`), so say which.
  if (typeof secret !== "string") throw new Error(`createToken: secret must be a string (the service's AUTH_SECRET), not ${typeof secret}: is the variable set?`);
  const refusal = checkSecretLength("secret", secret);
  if (refusal) throw new Error(`createToken: ${refusal.message}`);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(
      `createToken: ttlSeconds must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}; the service refuses tokens living longer (MAX_TOKEN_LIFETIME_SECONDS)`,
    );
  }
  for (const [field, value] of [["audience", audience], ["issuer", issuer]] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new Error(`createToken: "${field}" must be a non-empty string when given`);
    }
  }
  const issuedAtSeconds = Math.floor(Date.now() / 1000);
  const { token } = await signToken(claims, new TextEncoder().encode(secret), { issuedAtSeconds, ttlSeconds, audience, issuer });
  return token;
}

/**
 * The room claim for what the SDK's `getToken` asks for: `doc/{roomId}`, `game/{gameName}/{roomId}`,
 * or `game/{gameName}/*` for matchmaking, which needs a player token for the whole game. It parses
 * the request (from your client: untrusted) and throws on anything else, so a client that sends
 * `roomId: "*"` cannot obtain a wildcard. Decide the role, and whether this user may open the room,
 * yourself.
 *
 * @example
 * ```ts
 * const room = roomClaimFor(await request.json()); // { kind: "doc", roomId: "notes-1" } -> "doc/notes-1"
 * ```
 */
export function roomClaimFor(request: unknown): string {
  const parsed = TokenRequest.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`roomClaimFor: "${issue.path.join(".") || "request"}" is invalid: ${issue.message}`);
  }
  const wanted = parsed.data;
  if (wanted.kind === "doc") return `doc/${wanted.roomId}`;
  if (wanted.kind === "game") return `game/${wanted.gameName}/${wanted.roomId}`;
  return `game/${wanted.gameName}/*`;
}

/** The claims as the edge will read them (TokenClaims), and a role the room claim's kind has. */
function checkClaims({ sub, name, room, role }: CreateTokenOptions): TokenClaims {
  const parsed = TokenClaims.safeParse({ sub, name, room, role });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`createToken: "${issue.path.join(".")}" is invalid: ${issue.message}`);
  }
  const claims = parsed.data;
  const kinds = Object.keys(ROLES_BY_KIND) as RoomKind[];
  if (claims.room === "*") {
    const roles: string[] = kinds.flatMap((kind) => [...ROLES_BY_KIND[kind]]);
    if (!roles.includes(claims.role)) throw new Error(`createToken: role "${claims.role}" opens no room: use one of ${roles.join(", ")}`);
    return claims;
  }
  const kind = kinds.find((candidate) => claims.room.startsWith(`${candidate}/`));
  if (kind === undefined) {
    throw new Error(`createToken: room "${claims.room}" covers no room: start it with ${kinds.map((k) => `${k}/`).join(" or ")}, or use *`);
  }
  const roles: readonly string[] = ROLES_BY_KIND[kind];
  if (!roles.includes(claims.role)) {
    throw new Error(`createToken: role "${claims.role}" cannot open ${kind} rooms: use one of ${roles.join(", ")}`);
  }
  return claims;
}
