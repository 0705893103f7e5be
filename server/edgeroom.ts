/**
 * `edgeroom`: the service as a library. A Worker module calls `createEdgeroom` once, at its top level,
 * and exports what it returns: the `fetch` handler and the four Durable Object classes its wrangler.toml
 * binds. Games are the user's own modules, written with `defineGame` from `edgeroom/game`.
 *
 * @example
 * ```ts
 * // src/worker.ts, with `main = "src/worker.ts"` in wrangler.toml
 * import { createEdgeroom } from "edgeroom";
 * import { clicker } from "./games/clicker.ts";
 *
 * // The Durable Object classes, by the names wrangler.toml binds.
 * export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "edgeroom";
 *
 * const edgeroom = createEdgeroom({ games: [clicker] });
 * export default { fetch: edgeroom.fetch } satisfies ExportedHandler<Env>;
 * ```
 *
 * @module
 */
import { env } from "cloudflare:workers";
import { DocRoom } from "../rooms/doc/DocRoom.ts";
import { GameRoom } from "../rooms/game/GameRoom.ts";
import { Matchmaker } from "../rooms/game/Matchmaker.ts";
import { registerGames } from "../rooms/game/registry.ts";
import { configureLimits } from "../rooms/configuredLimits.ts";
import { configureEvents, type EventHooks } from "../rooms/events.ts";
import { RateLimiter } from "../rooms/RateLimiter.ts";
import type { AnyGame } from "../protocol/gameDefinition.ts";
import { app } from "./app.ts";
import { isDevTokensOn } from "./auth.ts";
import { configureEdge } from "./configured.ts";
import { docUpgrade } from "./docUpgrade.ts";
import { checkConfig, type AuthorizeHook, type CheckedConfig } from "./edgeroomConfig.ts";

export { DocRoom, GameRoom, Matchmaker, RateLimiter };
export { defineGame, type AnyGame, type GameContext, type GameDefinition, type InputOf, type MatchResult, type ViewOf } from "../protocol/gameDefinition.ts";
export type { BoardDefinition } from "../protocol/leaderboards.ts";
export type { AuthorizeHook, EdgeroomIdentity } from "./edgeroomConfig.ts";
export { MAX_SEATS_PER_ROOM, MAX_TICK_RATE_HZ } from "./edgeroomConfig.ts";
export type { EventHooks, Handler as EventHandler, RoomEvent, RoomEventType } from "../rooms/events.ts";

/** What a Worker built on Edgeroom runs; checked when `createEdgeroom` is called. */
export interface EdgeroomConfig {
  /**
   * The games this Worker runs, each from `defineGame`; names are unique. A document-only service passes `[]`.
   */
  games: readonly AnyGame[];
  /** Your own check in place of Edgeroom's JWTs (a session cookie, another issuer). */
  auth?: {
    /**
     * Called for every request that would need a token (room sockets, matchmaking, document
     * versions). Return the identity to admit, or null for 401. Development tokens are not accepted
     * while it is set. Its identity passes the same role and room checks a token's claims do.
     */
    authorize?: AuthorizeHook;
  };
  /** Origins whose pages may connect, or `["*"]`; wins over the ALLOWED_ORIGINS var. */
  origins?: readonly string[];
  /** Bounds that win over their env vars (and the defaults); see the README's bounds tables. */
  limits?: {
    /** Live connections one user (`sub`) may hold in one room; default 5 (MAX_CONNECTIONS_PER_SUB). */
    maxConnectionsPerSub?: number;
    /** Requests one client address may make to the public HTTP routes per minute; default 120 (PUBLIC_RATE_LIMIT_PER_MINUTE). */
    publicRequestsPerMinute?: number;
    /** New rooms one user may create per minute; default 60 (ROOM_CREATIONS_PER_MINUTE). */
    roomCreationsPerMinute?: number;
  };
  /** Your code on room events, delivered through each room's outbox at least once, with the event's id as idempotency key. */
  hooks?: EventHooks;
  /** A URL that receives the same events as signed POSTs; `secret` (at least 32 bytes) signs them. */
  webhook?: { url: string; secret: string };
}

/**
 * What `createEdgeroom` returns: export `fetch` as your Worker's handler. The classes are the same ones
 * this module exports by name; re-export those (`export { DocRoom, ... } from "edgeroom"`), which are
 * types as well as values, so `wrangler types` can type the bindings.
 */
export interface Edgeroom {
  /** The Worker's handler: every `/v1` route (rooms, matchmaking, leaderboards, replays, admin). */
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
  /** Collaborative documents (Yjs); bind as `DocRoom` with SQLite storage. */
  DocRoom: typeof DocRoom;
  /** Authoritative game rooms; bind as `GameRoom` with SQLite storage. */
  GameRoom: typeof GameRoom;
  /** Seat counts per game and region for matchmaking; bind as `Matchmaker` with SQLite storage. */
  Matchmaker: typeof Matchmaker;
  /** Per-address and per-user rate limits; bind as `RateLimiter` with SQLite storage. */
  RateLimiter: typeof RateLimiter;
}

/** The config this isolate runs, as a comparable text: a second createEdgeroom call must match it. */
let appliedFingerprint: string | null = null;

/**
 * Creates the Worker from a typed config. Call it once, at the top level of the Worker module (the
 * rooms of the same isolate find the games through it before any request arrives). A wrong value
 * throws an Error naming each field by its path and what it allows, so the Worker fails to start
 * rather than misbehave. A second call with a different config throws too; one with the same config
 * (a module evaluated again, as test runners do) returns the same Worker.
 *
 * @example
 * ```ts
 * const edgeroom = createEdgeroom({
 *   games: [clicker],
 *   origins: ["https://play.example.com"],
 *   limits: { maxConnectionsPerSub: 3 },
 *   auth: { authorize: async (request, env) => ((await mySession(request, env)) ? { sub: "u1", role: "player" } : null) },
 * });
 * ```
 */
export function createEdgeroom(config: EdgeroomConfig): Edgeroom {
  const checked = checkConfig(config);
  const fingerprint = fingerprintOf(checked);
  if (appliedFingerprint !== null && appliedFingerprint !== fingerprint) {
    throw new Error(
      "createEdgeroom was already called in this Worker with a different config: call it once, at the top level of the Worker module, " +
        "and export what it returns",
    );
  }
  appliedFingerprint = fingerprint;
  registerGames(checked.games as readonly AnyGame[]);
  configureLimits(checked.limits ?? {});
  configureEdge({ authorize: checked.authorize, origins: checked.origins });
  configureEvents({ hooks: checked.hooks, webhook: checked.webhook });
  if (isDevTokensOn(env)) {
    console.warn(
      "Edgeroom: development tokens are ON. POST /v1/dev/token hands out tokens to anyone who reaches a loopback host; " +
        "only local runs set DEV_TOKENS=on: never set it on a deployed Worker.",
    );
  }
  // A document socket's upgrade goes straight to its room when every check passes (docUpgrade.ts).
  const fetch = (request: Request, env: Env, ctx: ExecutionContext) => docUpgrade(request, env, ctx, app.fetch);
  return { fetch, DocRoom, GameRoom, Matchmaker, RateLimiter };
}

/** Names and values that decide behaviour; functions count by presence, since a re-evaluated module makes new ones. */
function fingerprintOf(config: CheckedConfig): string {
  return JSON.stringify({
    games: config.games.map((game) => `${game.name}@${game.version}/${game.maxPlayers}/${game.tickRateHz}`),
    hasAuthorize: config.authorize !== undefined,
    origins: config.origins ?? null,
    limits: config.limits ?? null,
    hooks: Object.keys(config.hooks ?? {}).sort(),
    webhook: config.webhook?.url ?? null,
  });
}
