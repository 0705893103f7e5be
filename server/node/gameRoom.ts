import { SqliteGameStore } from "../../persistence/index.ts";
import { parseGameRoomObjectName } from "../../protocol/index.ts";
import { cloudflareGameServices } from "../../rooms/cloudflare/gameServices.ts";
import { cloudflareServices } from "../../rooms/cloudflare/services.ts";
import type { RoomPorts, RoomSocket } from "../../rooms/engine/ports.ts";
import { RoomCore } from "../../rooms/engine/roomCore.ts";
import { GameEngine } from "../../rooms/game/gameEngine.ts";
import { findGame } from "../../rooms/game/registry.ts";
import type { NodeRoomEngine } from "./roomHost.ts";

/**
 * A game room on Node, named `{gameName}:{roomId}`: the game engine and the room core over the Node
 * host's ports, with the same RPC surface as the Durable Object shell (rooms/game/GameRoom.ts). The
 * services are the Worker's own, reading the Node env: D1 leaderboards on node:sqlite, replays in the
 * folder archive, the Node-hosted matchmaker.
 */
export class NodeGameRoom implements NodeRoomEngine {
  readonly #engine: GameEngine;
  readonly #core: RoomCore;

  constructor(ports: RoomPorts, env: Env) {
    const { gameName, roomId } = parseGameRoomObjectName(ports.host.name);
    const game = findGame(gameName);
    if (!game) throw new Error(`GameRoom for unknown game "${gameName}"`);
    const services = cloudflareServices(env);
    let core: RoomCore | null = null;
    this.#engine = new GameEngine({
      game,
      roomId,
      store: new SqliteGameStore(ports.db.sql),
      ports,
      core: (kind) => (core = new RoomCore(ports, services, kind)),
      services: cloudflareGameServices(env, game.name, roomId),
      maxConnectionsPerSub: services.maxConnectionsPerSub(ports.host.name),
    });
    this.#core = core!;
    this.#engine.start();
  }

  connect(socket: RoomSocket, request: Request) { return this.#core.connect(socket, request); }
  message(socket: RoomSocket, data: string | Uint8Array) { this.#core.message(socket, data); }
  close(socket: RoomSocket, code: number) { return this.#core.close(socket, code); }
  alarm() { return this.#core.alarm(); }

  // ---- RPC, as GameRoom names it ----
  exists() { return this.#core.exists(); }
  get isLocked() { return this.#core.isLocked; }
  connectionsInfo() { return this.#core.connectionsInfo(); }
  kick(target: { connectionId?: string; sub?: string }, reason: string) { return this.#core.kick(target, reason); }
  broadcastSystem(message: string) { return this.#core.broadcastSystem(message); }
  setLocked(isLocked: boolean) { return this.#core.setLocked(isLocked); }
  purge(options?: { maxR2Objects?: number }) { return this.#core.purge(options); }
  directoryEntry() { return this.#core.directoryEntry(); }
  get isTicking(): boolean { return this.#engine.isTicking; }
  describe() {
    return { ...this.#engine.admin.describe(), locationHint: this.#core.meta.get("location_hint"), outbox: this.#core.outbox.status() };
  }
  inspect() {
    return { ...this.#core.directoryEntry(), connectionList: this.#core.connectionsInfo(), ...this.#engine.admin.inspect(), outbox: this.#core.outbox.status() };
  }
  exportRoom() { return this.#engine.admin.exportRoom(); }
  liveState(): { tick: number; hash: string | null } { return this.#engine.admin.liveState(); }
  matchRecord(matchId: string) { return this.#engine.admin.matchRecord(matchId); }
}
