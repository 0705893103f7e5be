/**
 * `edgeroom/node`: the same service on one Node 22 process, for self-hosting on one machine. The
 * Worker's app runs unchanged; D1 is a SQLite file, the archive a folder, each room a SQLite file
 * loaded on use and unloaded when idle. Node only: the Worker never imports this module.
 *
 * @example
 * ```ts
 * import { serve } from "edgeroom/node";
 * import { clicker } from "./games/clicker.ts";
 *
 * const server = await serve({ port: 8787, dataDir: "./edgeroom-data", config: { games: [clicker] } });
 * console.log(`listening on ${server.url}`);
 * ```
 *
 * @module
 */
import type { EdgeroomConfig } from "../edgeroom.ts";
import type { RoomEngineFactory } from "./roomHost.ts";
import type { RunningServer } from "./nodeServer.ts";
import { installWorkersShim } from "./workersShim.ts";

export type { RunningServer } from "./nodeServer.ts";
export type { NodeRoomEngine, RoomEngineFactory } from "./roomHost.ts";

export interface ServeOptions {
  port: number;
  /** Address to bind; default 127.0.0.1. Development tokens work only for loopback clients whatever it is. */
  host?: string;
  /** Folder for the SQLite files and the archive; created if missing. */
  dataDir: string;
  /** What createEdgeroom takes: games, auth, origins, limits, hooks. */
  config: EdgeroomConfig;
  /** Variables and secrets (AUTH_SECRET, ADMIN_TOKEN, DEV_TOKENS...); default process.env. */
  vars?: Record<string, string | undefined>;
  /** A folder of static pages served for paths outside /v1/ (your built client), as wrangler.toml's [assets]. */
  assets?: string;
  /** Rooms loaded at once, per kind; default 1000. */
  maxLoadedRooms?: number;
  /** Idle time before a room without sockets is unloaded, in ms; default 30 000. */
  roomIdleMs?: number;
  /** Room engines; default the built-in document and game engines. */
  engines?: { doc?: RoomEngineFactory; game?: RoomEngineFactory };
}

/** Starts the server; resolves once it listens. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  installWorkersShim();
  // Loaded after the shim: the app's modules import cloudflare:workers.
  const { startNodeServer } = await import("./nodeServer.ts");
  const { defaultEngines } = await import("./engines.ts");
  return startNodeServer({
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
    config: options.config,
    vars: options.vars ?? process.env,
    engines: { ...defaultEngines(), ...options.engines },
    maxLoadedRooms: options.maxLoadedRooms,
    roomIdleMs: options.roomIdleMs,
    assets: options.assets,
  });
}
