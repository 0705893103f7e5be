/**
 * Edgeroom's client SDK for browsers and Node 22.
 *
 * @example
 * ```ts
 * import { createClient } from "@edgeroom/client";
 *
 * const client = createClient({
 *   baseUrl: "http://127.0.0.1:8787",
 *   getToken: async ({ roomId }) => (await fetch(`/my-auth?room=doc/${roomId}`)).text(),
 * });
 * const notes = client.doc("notes-1");
 * await notes.whenStatus("synced");
 * notes.doc.getText("body").insert(0, "Hello");
 * await notes.whenStatus("saved"); // the room has stored it
 * ```
 * @packageDocumentation
 */
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { ROOM_ID_RULE, isRoomId, readErrorBody, readLeaderboardPage, readMatchAnswer } from "../protocol/clientWire.ts";
import type { AnyGame, LeaderboardPage, TokenRequest } from "../protocol/index.ts";
import { resolveReconnectOptions, type ReconnectOptions } from "./backoff.ts";
import { DocProvider } from "./DocProvider.ts";
import { GameConnection } from "./GameConnection.ts";

export { DocProvider } from "./DocProvider.ts";
export { presentPeople, safeColor, type PresentPerson } from "./presence.ts";
export { Presence, type PresenceChange, type PresenceDecoder, type PresenceListener, type PresencePeer } from "./typedPresence.ts";
export type { DocProviderEvents, DocStatus } from "./DocProvider.ts";
export type { CloseReason } from "./socketSession.ts";
export type { ReconnectOptions } from "./backoff.ts";
export { GameConnection, MAX_UNACKED_INPUTS } from "./GameConnection.ts";
export type { GameConnectionEvents, GameEvent, GameStatus, StateInfo } from "./GameConnection.ts";
export { Predictor } from "./prediction.ts";
export { InterpolationBuffer, type Positions } from "./interpolation.ts";
export { CloseCode, isFatalCloseCode } from "../protocol/closeCodes.ts";
export { replayMatch, hashState } from "../protocol/match.ts";
export type { AnyGame, GameDefinition, GameRole, InputOf, LeaderboardPage, LeaderboardRow, MatchResult, ViewOf } from "../protocol/index.ts";

/** One row of a leaderboard page: `{ rank, playerId, score }`. */
export type LeaderboardEntry = LeaderboardPage["entries"][number];

/** What a token is asked for: a document room, a game room, or matchmaking for a game (one type with the backend's roomClaimFor). */
export type { TokenRequest } from "../protocol/index.ts";

export interface ClientOptions {
  /** The service's HTTP origin, such as `http://127.0.0.1:8787` or `https://rooms.example.com`. */
  baseUrl: string;
  /** Returns a token for the room. Called again before every reconnect, so it may refresh an expired token. */
  getToken: (room: TokenRequest) => string | Promise<string>;
  reconnect?: ReconnectOptions;
  /** WebSocket class to use; defaults to the global one (browsers, Node 22). Node 20 has none: pass `WebSocket` from the `ws` package. */
  WebSocket?: typeof WebSocket;
  /** fetch to use; defaults to the global one. */
  fetch?: typeof fetch;
}

export interface DocOptions {
  /** The document to keep in sync; a new Y.Doc when omitted. */
  doc?: Y.Doc;
  /** Presence to share; a new Awareness on `doc` when omitted. */
  awareness?: Awareness;
  /** Ask the room to live near this region on first creation, such as `weur`. */
  region?: string;
}

export interface GameOptions {
  /** Ask the room to live near this region on first creation, such as `weur`. */
  region?: string;
}

export interface QuickJoinOptions extends GameOptions {
  /** Aborting it gives the join up: its socket closes (leaving the seat if it had one) and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface MatchOptions {
  /** `quick` (default) joins a room with a free seat; `private` creates a room to share by its id. */
  mode?: "quick" | "private";
  region?: string;
}

export interface LeaderboardOptions {
  /** Entries per page, 1 to 100 (the service's default is 20). */
  limit?: number;
  /** A period key such as `2026-11-23` (daily boards) or `2026-W48` (weekly); the current period when omitted. */
  period?: string;
  /** The previous page's `nextCursor`, for the page after it. Not with `around`. */
  cursor?: string;
  /** A player id: the page is the entries around that player's rank. Not with `cursor`. */
  around?: string;
}

/**
 * A refused HTTP request: `code` is the service's error code (such as `unknown_board`, `bad_query`),
 * or `bad_answer` when the answer was not the JSON the service sends.
 */
export class EdgeroomRequestError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(what: string, status: number, code: string, detail: string) {
    super(`${what} failed (HTTP ${status} ${code}): ${detail}`);
    this.name = "EdgeroomRequestError";
    this.code = code;
    this.status = status;
  }
}

export interface EdgeroomClient {
  /**
   * Reads one page of a leaderboard (public: no token). Throws an EdgeroomRequestError with the
   * service's error code when refused, such as `unknown_board`.
   *
   * @example
   * ```ts
   * const page = await client.leaderboard("tictactoe.wins", { limit: 10 });
   * for (const { rank, playerId, score } of page.entries) console.log(rank, playerId, score);
   * const next = page.nextCursor && (await client.leaderboard("tictactoe.wins", { cursor: page.nextCursor }));
   * ```
   */
  leaderboard(board: string, options?: LeaderboardOptions): Promise<LeaderboardPage>;
  /**
   * Joins a game room as the role your token grants (player or spectator).
   *
   * @example
   * ```ts
   * const game = client.game<typeof tictactoe>("tictactoe", "p-3f9a");
   * game.on("state", (view) => render(view));
   * game.send({ type: "place", cell: 4 });
   * ```
   */
  game<G extends AnyGame = AnyGame>(gameName: string, roomId: string, options?: GameOptions): GameConnection<G>;
  /**
   * Finds a room through matchmaking, then joins it.
   *
   * @example
   * ```ts
   * const game = await client.joinOrCreate<typeof arena>("arena");
   * ```
   */
  joinOrCreate<G extends AnyGame = AnyGame>(gameName: string, options?: MatchOptions): Promise<GameConnection<G>>;
  /**
   * Joins a room with a free seat in one request (WebSocket /v1/match/{gameName}/join), and resolves
   * once seated, when the welcome has named the room (`roomId`); reconnects go to that room with the
   * seat's resume token. `joinOrCreate` (quick) makes two requests, the match and then the room's socket,
   * and resolves before connecting. Asks `getToken` for `{ kind: "match" }` first, then for the room.
   * The welcome's view is `game.view` when it resolves; `state` events bring the ones after it. While the
   * service is unreachable it keeps retrying, as a connection does; `signal` gives it up.
   *
   * @example
   * ```ts
   * const game = await client.quickJoin<typeof arena>("arena");
   * console.log(game.roomId, game.seat);
   * ```
   */
  quickJoin<G extends AnyGame = AnyGame>(gameName: string, options?: QuickJoinOptions): Promise<GameConnection<G>>;
  /**
   * Joins a collaboration room and keeps `doc` in sync with it.
   *
   * @example
   * ```ts
   * const provider = client.doc("notes-1", { doc: new Y.Doc() });
   * provider.on("status", (status) => statusLabel.textContent = status);
   * ```
   */
  doc(roomId: string, options?: DocOptions): DocProvider;
}

/**
 * Makes a client for one Edgeroom service. Options are checked here, once.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: location.origin, getToken: () => myToken });
 * ```
 */
export function createClient(options: ClientOptions): EdgeroomClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError("baseUrl must be an http: or https: URL");
  const reconnect = resolveReconnectOptions(options.reconnect);
  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  if (!WebSocketClass) {
    throw new TypeError(
      'no global WebSocket here (Node 20 has none; browsers and Node 22 do): pass one, as in createClient({ WebSocket }) with WebSocket from the "ws" package',
    );
  }
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);

  const socketUrlFor = (path: string, region?: string) => {
    const url = new URL(path, base);
    url.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    if (region) url.searchParams.set("region", region);
    return url.toString();
  };
  const session = { reconnect, WebSocket: WebSocketClass, fetch: fetchFn };

  const client: EdgeroomClient = {
    game(gameName, roomId, gameOptions = {}) {
      if (!isRoomId(roomId)) throw new TypeError(`bad room id "${roomId}": ${ROOM_ID_RULE}`);
      return new GameConnection({
        ...session,
        gameName,
        roomId: roomId,
        socketUrl: socketUrlFor(`/v1/game/${encodeURIComponent(gameName)}/${roomId}`, gameOptions.region),
        getToken: () => options.getToken({ kind: "game", gameName, roomId: roomId }),
      });
    },

    async joinOrCreate(gameName, matchOptions = {}) {
      const token = await options.getToken({ kind: "match", gameName });
      const response = await fetchFn(new URL(`/v1/match/${encodeURIComponent(gameName)}`, base), {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ mode: matchOptions.mode ?? "quick", region: matchOptions.region }),
      });
      const body: unknown = await response.json().catch(() => null);
      const match = readMatchAnswer(body);
      if (!response.ok || !match) {
        const error = readErrorBody(body);
        throw new Error(`matchmaking failed (HTTP ${response.status}): ${error ? error.error.message : "bad answer"}`);
      }
      const region = match.region === "any" ? undefined : match.region;
      return client.game(gameName, match.roomId, { region });
    },

    async quickJoin(gameName, quickOptions = {}) {
      const { signal } = quickOptions;
      signal?.throwIfAborted();
      const name = encodeURIComponent(gameName);
      const game = new GameConnection({
        ...session,
        gameName,
        roomId: null,
        socketUrl: socketUrlFor(`/v1/match/${name}/join`, quickOptions.region),
        getToken: () => options.getToken({ kind: "match", gameName }),
        roomAddress: (roomId) => ({
          socketUrl: socketUrlFor(`/v1/game/${name}/${roomId}`, quickOptions.region),
          getToken: () => options.getToken({ kind: "game", gameName, roomId }),
        }),
      });
      const giveUp = () => game.destroy();
      signal?.addEventListener("abort", giveUp, { once: true });
      try {
        await game.whenStatus("joined");
        signal?.throwIfAborted();
      } catch (error) {
        throw signal?.aborted ? signal.reason : error;
      } finally {
        signal?.removeEventListener("abort", giveUp);
      }
      return game;
    },

    async leaderboard(board, pageOptions = {}) {
      const url = new URL(`/v1/leaderboards/${encodeURIComponent(board)}`, base);
      for (const key of ["limit", "period", "cursor", "around"] as const) {
        const value = pageOptions[key];
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      const response = await fetchFn(url);
      const body: unknown = await response.json().catch(() => null);
      const page = response.ok ? readLeaderboardPage(body) : null;
      if (page) return page;
      const error = readErrorBody(body);
      throw new EdgeroomRequestError(`leaderboard ${board}`, response.status, error?.error.code ?? "bad_answer", error?.error.message ?? "not a leaderboard page");
    },

    doc(roomId, docOptions = {}) {
      if (!isRoomId(roomId)) throw new TypeError(`bad room id "${roomId}": ${ROOM_ID_RULE}`);
      return new DocProvider(
        {
          ...session,
          roomId: roomId,
          socketUrl: socketUrlFor(`/v1/doc/${roomId}`, docOptions.region),
          getToken: () => options.getToken({ kind: "doc", roomId: roomId }),
        },
        docOptions.doc ?? new Y.Doc(),
        docOptions.awareness,
      );
    },
  };
  return client;
}
