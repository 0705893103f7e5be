import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import type * as Y from "yjs";
import { cloudflarePorts } from "../cloudflare/ports.ts";
import { cloudflareServices } from "../cloudflare/services.ts";
import { KnownSockets } from "../cloudflare/knownSockets.ts";
import { socketOf } from "../cloudflare/sockets.ts";
import { logEvent } from "../log.ts";
import { DocAdmin } from "./docAdmin.ts";
import { DocEngine } from "./docEngine.ts";
import { toBytes } from "./frames.ts";

/**
 * A collaboration room as a Durable Object: partyserver's naming and hibernation-aware sockets,
 * wired to the document engine (docEngine.ts), which holds every rule. The method names below are
 * the room's RPC surface (the admin API and the tests call them).
 */
export class DocRoom extends Server<Env> {
  static options = { hibernate: true };
  readonly #engine: DocEngine;
  readonly #admin: DocAdmin;
  readonly #known = new KnownSockets();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const ports = cloudflarePorts(ctx, env, () => this.getConnections());
    // DO SQLite is synchronous, so the document is whole before any entry point runs:
    // a socket message, an RPC from the admin API or a test.
    this.#engine = new DocEngine(ports, cloudflareServices(env), ctx.id.name ?? "");
    this.#admin = new DocAdmin(this.#engine);
  }

  onStart(): void {
    this.#engine.start();
  }

  onConnect(connection: Connection, { request }: ConnectionContext): Promise<void> {
    return this.#engine.connect(this.#known.remember(connection), request);
  }

  onMessage(connection: Connection, message: WSMessage): void {
    this.#engine.message(this.#known.remember(connection), typeof message === "string" ? message : toBytes(message));
  }

  /** A socket this instance knows skips partyserver's check of its attachment (KnownSockets). */
  override async webSocketMessage(ws: WebSocket, message: WSMessage): Promise<void> {
    const socket = this.#known.get(ws);
    if (!socket) return super.webSocketMessage(ws, message);
    this.#engine.message(socket, typeof message === "string" ? message : toBytes(message));
  }

  onClose(connection: Connection): Promise<void> {
    return this.#engine.close(socketOf(connection));
  }

  onError(connection: Connection, error: unknown): void {
    logEvent("socket_error", { room: this.name, connection: connection.id, error });
  }

  onAlarm(): Promise<void> {
    return this.#engine.alarm();
  }

  // ---- every room's admin operations (rooms/engine/roomAdmin.ts) ----
  exists() { return this.#engine.core.exists(); }
  get isLocked() { return this.#engine.core.isLocked; }
  connectionsInfo() { return this.#engine.core.connectionsInfo(); }
  kick(target: { connectionId?: string; sub?: string }, reason: string) { return this.#engine.core.kick(target, reason); }
  broadcastSystem(message: string) { return this.#engine.core.broadcastSystem(message); }
  setLocked(isLocked: boolean) { return this.#engine.core.setLocked(isLocked); }
  purge(options?: { maxR2Objects?: number }) { return this.#engine.core.purge(options); }
  directoryEntry() { return this.#engine.core.directoryEntry(); }

  // ---- the document's own (docAdmin.ts) ----
  compact() { return this.#admin.compact(); }
  describe() { return this.#admin.describe(); }
  inspect() { return this.#admin.inspect(); }
  listVersions() { return this.#engine.history.list(); }
  versionSnapshot(versionId: string) { return this.#engine.history.snapshotBytes(versionId); }
  /** Exports a version now if the document changed since the last one; returns its id or null. */
  snapshotVersion(): string | null {
    const outcome = this.#admin.takeVersionNow();
    return outcome.type === "taken" ? outcome.version.id : null;
  }
  takeVersionNow() { return this.#admin.takeVersionNow(); }
  restoreVersion(versionId: string) { return this.#admin.restoreVersion(versionId); }
  exportDocument() { return this.#admin.exportDocument(); }
  importDocument(update: Uint8Array) { return this.#admin.importDocument(update); }
  /** The live document. Read it; never write to it from outside the room. */
  get document(): Y.Doc { return this.#engine.doc; }
}
