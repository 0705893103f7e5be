import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { SqliteGameStore } from "../../persistence/index.ts";
import { parseGameRoomObjectName, type AnyGame } from "../../protocol/index.ts";
import { cloudflareGameServices } from "../cloudflare/gameServices.ts";
import { cloudflarePorts } from "../cloudflare/ports.ts";
import { cloudflareServices } from "../cloudflare/services.ts";
import { KnownSockets } from "../cloudflare/knownSockets.ts";
import { socketOf } from "../cloudflare/sockets.ts";
import { toBytes } from "../doc/frames.ts";
import { RoomCore } from "../engine/roomCore.ts";
import { GameEngine } from "./gameEngine.ts";
import { findGame, isRegistryConfigured } from "./registry.ts";

/** The game of the room being constructed, while partyserver reads `GameRoom.options` inside its constructor. */
let constructing: AnyGame | undefined;

/** The game a room object's name (`{gameName}:{roomId}`) names, or undefined for a bad or unknown name. */
function gameOfObject(ctx: DurableObjectState): AnyGame | undefined {
  try {
    return findGame(parseGameRoomObjectName(ctx.id.name ?? "").gameName);
  } catch {
    return undefined;
  }
}

/**
 * An authoritative game room as a Durable Object named `{gameName}:{roomId}`: a shell that wires a
 * GameEngine (gameEngine.ts: seats, the match, the tick) and the shared RoomCore to partyserver,
 * DO storage and the Worker's services. The rules run without a runtime; this class only
 * accepts, hands over and answers the admin API's calls.
 */
export class GameRoom extends Server<Env> {
  /**
   * Whether the room's sockets are hibernatable, which partyserver reads once per instance, inside
   * `super()`: so per game. A realtime game's room (GameDefinition.realtime) accepts plain sockets:
   * workerd then hands each message to the listener of the request that accepted it, where a
   * hibernatable socket's message is an event of its own (a new incoming request, its metrics and
   * input-gate work), one per input, 2,000 a second at 100 players. Such a room ticks while any player is
   * connected, which keeps it in memory anyway; what it gives up is sleeping with only spectators,
   * or players gone idle after an idle end (R7), connected, and its sockets surviving an eviction
   * (they close with 1006 and the SDK resumes the seat). A turn-based room (tic-tac-toe waiting for a
   * move) keeps hibernation.
   */
  static options = {
    get hibernate(): boolean {
      return !constructing?.realtime;
    },
  };

  readonly game: AnyGame;
  readonly #engine: GameEngine;
  /** What every room shares (sockets, deadlines, outbox, directory, admin), through ports. */
  readonly #core: RoomCore;
  readonly #known = new KnownSockets();

  constructor(ctx: DurableObjectState, env: Env) {
    constructing = gameOfObject(ctx);
    try {
      super(ctx, env);
    } finally {
      constructing = undefined;
    }
    const { gameName, roomId } = parseGameRoomObjectName(ctx.id.name ?? "");
    const game = findGame(gameName);
    if (!game) {
      throw new Error(
        isRegistryConfigured()
          ? `GameRoom for unknown game "${gameName}"`
          : "GameRoom has no games: call createEdgeroom({ games }) at the top level of the Worker module that exports GameRoom",
      );
    }
    this.game = game;
    const ports = cloudflarePorts(ctx, env, () => this.getConnections());
    const services = cloudflareServices(env);
    let core: RoomCore | null = null;
    this.#engine = new GameEngine({
      game,
      roomId,
      store: new SqliteGameStore(ctx.storage.sql),
      ports,
      core: (kind) => (core = new RoomCore(ports, services, kind)),
      services: cloudflareGameServices(env, game.name, roomId),
      maxConnectionsPerSub: services.maxConnectionsPerSub(ctx.id.name ?? ""),
    });
    this.#core = core!;
  }

  onStart(): void {
    this.#engine.start();
  }
  onConnect(connection: Connection, { request }: ConnectionContext): Promise<void> {
    return this.#core.connect(this.#known.remember(connection), request);
  }
  onMessage(connection: Connection, message: WSMessage): void {
    this.#core.message(this.#known.remember(connection), typeof message === "string" ? message : toBytes(message));
  }
  /** A socket this instance knows skips partyserver's check of its attachment (KnownSockets). */
  override async webSocketMessage(ws: WebSocket, message: WSMessage): Promise<void> {
    const socket = this.#known.get(ws);
    if (!socket) return super.webSocketMessage(ws, message);
    this.#core.message(socket, typeof message === "string" ? message : toBytes(message));
  }
  onClose(connection: Connection, code: number): Promise<void> {
    return this.#core.close(socketOf(connection), code);
  }
  onAlarm(): Promise<void> {
    return this.#core.alarm();
  }

  // ---- RPC: the admin API (server/admin/), matchmaking and tests call these ----

  exists() { return this.#core.exists(); }
  get isLocked() { return this.#core.isLocked; }
  connectionsInfo() { return this.#core.connectionsInfo(); }
  kick(target: { connectionId?: string; sub?: string }, reason: string) { return this.#core.kick(target, reason); }
  broadcastSystem(message: string) { return this.#core.broadcastSystem(message); }
  setLocked(isLocked: boolean) { return this.#core.setLocked(isLocked); }
  purge(options?: { maxR2Objects?: number }) { return this.#core.purge(options); }
  directoryEntry() { return this.#core.directoryEntry(); }

  /** Whether the tick loop is running. */
  get isTicking(): boolean {
    return this.#engine.isTicking;
  }

  /** Seats and the current match. */
  describe() {
    return { ...this.#engine.admin.describe(), locationHint: this.#core.meta.get("location_hint"), outbox: this.#core.outbox.status() };
  }

  /** Everything an operator sees of this room. */
  inspect() {
    return { ...this.#core.directoryEntry(), connectionList: this.#core.connectionsInfo(), ...this.#engine.admin.inspect(), outbox: this.#core.outbox.status() };
  }

  /** The current state and the running match's record. */
  exportRoom() {
    return this.#engine.admin.exportRoom();
  }

  /** The running match's tick and state hash, to check a replay against. */
  liveState(): { tick: number; hash: string | null } {
    return this.#engine.admin.liveState();
  }

  /** The record of a match: what `replayMatch` needs to re-run it. */
  matchRecord(matchId: string) {
    return this.#engine.admin.matchRecord(matchId);
  }
}
