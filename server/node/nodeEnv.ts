import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Matchmaker } from "../../rooms/game/Matchmaker.ts";
import { RateLimiter } from "../../rooms/RateLimiter.ts";
import { AlarmBook } from "./alarms.ts";
import { applyMigrations, nodeD1 } from "./d1.ts";
import { durableObjectLoader } from "./durableObjects.ts";
import { FsArchive } from "./fsArchive.ts";
import { NodeNamespace } from "./objectHost.ts";
import { PendingAccepts } from "./pendingAccepts.ts";
import { roomLoader, type RoomEngineFactory } from "./roomHost.ts";
import { openSqliteFile } from "./sqliteFile.ts";

/** Rooms (documents and games each) loaded at once at most, by default; past it idle ones are unloaded first. */
export const DEFAULT_MAX_LOADED_ROOMS = 1000;
/** A room with no socket and no call for this long is unloaded, by default (its SQLite file stays). */
export const DEFAULT_ROOM_IDLE_MS = 30_000;
/** Rate-limit buckets kept at once (one per client address or user); an evicted one starts full, as on Cloudflare. */
const MAX_LOADED_LIMITERS = 50_000;
/** A bucket idle this long has refilled (one-minute buckets): unloading it changes nothing. */
const LIMITER_IDLE_MS = 60_000;
/** Matchmakers (one per game and region) loaded at once at most. */
const MAX_LOADED_MATCHMAKERS = 1000;

/** The settings the Worker reads from its env (README's table), taken from process.env by name. */
const SETTING_NAMES = [
  "AUTH_SECRET", "AUTH_SECRET_PREVIOUS", "AUTH_AUDIENCE", "AUTH_ISSUER", "MAX_TOKEN_LIFETIME_SECONDS", "ADMIN_TOKEN",
  "ALLOWED_ORIGINS", "DEV_TOKENS", "CURSOR_SECRET", "PUBLIC_RATE_LIMIT_PER_MINUTE", "ROOM_CREATIONS_PER_MINUTE",
  "MAX_CONNECTIONS_PER_SUB", "WEBHOOK_URL", "WEBHOOK_SECRET",
] as const;

export interface NodeEnvOptions {
  dataDir: string;
  /** Variables and secrets by name; unset names are absent, as unset vars are on Cloudflare. */
  vars: Record<string, string | undefined>;
  engines: { doc?: RoomEngineFactory; game?: RoomEngineFactory };
  maxLoadedRooms?: number;
  roomIdleMs?: number;
}

export interface NodeEnv {
  env: Env;
  pending: PendingAccepts;
  namespaces: NodeNamespace[];
  close(): void;
}

/**
 * The Worker's `env` on Node: D1 as a SQLite file (data/edgeroom.sqlite, D1 migrations applied), the
 * archive as a folder (data/archive), and the four Durable Object namespaces as in-process hosts whose
 * objects keep one SQLite file each (data/rooms/{kind}/), with every alarm in data/alarms.sqlite.
 */
export function createNodeEnv(options: NodeEnvOptions): NodeEnv {
  mkdirSync(options.dataDir, { recursive: true });
  const d1 = openSqliteFile(join(options.dataDir, "edgeroom.sqlite"));
  applyMigrations(d1, join(import.meta.dirname, import.meta.url.endsWith(".ts") ? "../../persistence/migrations" : "../migrations"));
  const archive = new FsArchive(join(options.dataDir, "archive"));
  const pending = new PendingAccepts();
  const byKind = new Map<string, NodeNamespace>();
  const alarms = new AlarmBook(openSqliteFile(join(options.dataDir, "alarms.sqlite")), async (kind, name) => {
    const namespace = byKind.get(kind);
    if (namespace) await namespace.use(name, (object) => object.alarm());
  });
  const env: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) if (options.vars[name] !== undefined) env[name] = options.vars[name];
  env.DB = nodeD1(d1);
  env.ARCHIVE = archive;
  const roomsFolder = (kind: string) => join(options.dataDir, "rooms", kind);
  const room = (kind: "DocRoom" | "GameRoom", factory: RoomEngineFactory | undefined): NodeNamespace =>
    new NodeNamespace({
      kind,
      folder: roomsFolder(kind),
      maxLoaded: options.maxLoadedRooms ?? DEFAULT_MAX_LOADED_ROOMS,
      idleUnloadMs: options.roomIdleMs ?? DEFAULT_ROOM_IDLE_MS,
      synchronous: "NORMAL",
      serializeCalls: false,
      load: roomLoader(factory ?? missingEngine(kind), env as unknown as Env, alarms, archive, () => pending, () => byKind.get(kind)!),
    });
  const typedEnv = env as unknown as Env;
  const namespaces = [
    room("DocRoom", options.engines.doc),
    room("GameRoom", options.engines.game),
    new NodeNamespace({ kind: "Matchmaker", folder: roomsFolder("Matchmaker"), maxLoaded: MAX_LOADED_MATCHMAKERS, idleUnloadMs: options.roomIdleMs ?? DEFAULT_ROOM_IDLE_MS, synchronous: "FULL", serializeCalls: true, load: durableObjectLoader(Matchmaker, typedEnv, alarms) }),
    new NodeNamespace({ kind: "RateLimiter", folder: null, maxLoaded: MAX_LOADED_LIMITERS, idleUnloadMs: LIMITER_IDLE_MS, synchronous: "FULL", serializeCalls: true, load: durableObjectLoader(RateLimiter, typedEnv, alarms) }),
  ];
  for (const namespace of namespaces) {
    byKind.set(namespace.kind, namespace);
    env[namespace.kind] = namespace;
  }
  return {
    env: typedEnv,
    pending,
    namespaces,
    close() {
      alarms.close();
      for (const namespace of namespaces) namespace.close();
      d1.close();
    },
  };
}

function missingEngine(kind: string): RoomEngineFactory {
  return () => {
    throw new Error(`${kind} has no engine on this Node server`);
  };
}
