import { DocAdmin } from "../../rooms/doc/docAdmin.ts";
import { DocEngine } from "../../rooms/doc/docEngine.ts";
import { cloudflareServices } from "../../rooms/cloudflare/services.ts";
import type { RoomPorts, RoomSocket } from "../../rooms/engine/ports.ts";
import type { NodeRoomEngine } from "./roomHost.ts";

/**
 * A document room on Node: the document engine over the Node host's ports, with the same RPC
 * surface as the Durable Object shell (rooms/doc/DocRoom.ts), which the routes and the admin API
 * call through the namespace's stubs. The services are the Worker's own (rooms/cloudflare/services.ts),
 * reading the Node env: D1 is node:sqlite there, the rate limiter a Node-hosted object.
 */
export class NodeDocRoom implements NodeRoomEngine {
  readonly #engine: DocEngine;
  readonly #admin: DocAdmin;

  constructor(ports: RoomPorts, env: Env) {
    this.#engine = new DocEngine(ports, cloudflareServices(env), ports.host.name);
    this.#admin = new DocAdmin(this.#engine);
    // A Node room has no sockets from before its load: a restart closed them all.
    this.#engine.start();
  }

  connect(socket: RoomSocket, request: Request) { return this.#engine.connect(socket, request); }
  message(socket: RoomSocket, data: string | Uint8Array) { this.#engine.message(socket, data); }
  close(socket: RoomSocket) { return this.#engine.close(socket); }
  alarm() { return this.#engine.alarm(); }

  // ---- every room's admin operations, as DocRoom names them ----
  exists() { return this.#engine.core.exists(); }
  get isLocked() { return this.#engine.core.isLocked; }
  connectionsInfo() { return this.#engine.core.connectionsInfo(); }
  kick(target: { connectionId?: string; sub?: string }, reason: string) { return this.#engine.core.kick(target, reason); }
  broadcastSystem(message: string) { return this.#engine.core.broadcastSystem(message); }
  setLocked(isLocked: boolean) { return this.#engine.core.setLocked(isLocked); }
  purge(options?: { maxR2Objects?: number }) { return this.#engine.core.purge(options); }
  directoryEntry() { return this.#engine.core.directoryEntry(); }

  // ---- the document's own ----
  compact() { return this.#admin.compact(); }
  describe() { return this.#admin.describe(); }
  inspect() { return this.#admin.inspect(); }
  listVersions() { return this.#engine.history.list(); }
  versionSnapshot(versionId: string) { return this.#engine.history.snapshotBytes(versionId); }
  snapshotVersion(): string | null {
    const outcome = this.#admin.takeVersionNow();
    return outcome.type === "taken" ? outcome.version.id : null;
  }
  takeVersionNow() { return this.#admin.takeVersionNow(); }
  restoreVersion(versionId: string) { return this.#admin.restoreVersion(versionId); }
  exportDocument() { return this.#admin.exportDocument(); }
  importDocument(update: Uint8Array) { return this.#admin.importDocument(update); }
}
