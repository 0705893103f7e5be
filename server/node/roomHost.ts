import type { WebSocket } from "ws";
import { nodeSqlite } from "../../persistence/nodeSqlite.ts";
import type { ArchivePort, RoomPorts, RoomSocket } from "../../rooms/engine/ports.ts";
import type { AlarmBook } from "./alarms.ts";
import type { LoadedObject, NodeNamespace, ObjectContext } from "./objectHost.ts";
import type { PendingAccepts } from "./pendingAccepts.ts";
import { nodeDurability } from "./durability.ts";
import { eraseSqlite } from "./sqliteFile.ts";
import { WsRoomSocket } from "./wsRoomSocket.ts";

/** What the Node host needs of a room engine, beyond the RPC methods the routes and admin API call. */
export interface NodeRoomEngine {
  /** A socket the room agreed to (its upgrade answered by this room); `request` is the one the edge forwarded. */
  connect(socket: RoomSocket, request: Request): void | Promise<void>;
  message(socket: RoomSocket, data: string | Uint8Array): void | Promise<void>;
  close(socket: RoomSocket, code: number, reason: string): void | Promise<void>;
  alarm(): void | Promise<void>;
  /** Stops the engine's own timers when the room is unloaded. */
  unload?(): void;
}

/** Makes a room's engine from its ports and the Worker's env (D1, the rate limiter, settings), as the Durable Object shells do. */
export type RoomEngineFactory = (ports: RoomPorts, env: Env) => NodeRoomEngine;

/** The query parameter the edge puts the connection id in (server/routes/roomForward.ts). */
const CONNECTION_ID_PARAM = "_pk";

interface RoomSockets {
  sockets: Map<string, RoomSocket>;
  /** Intervals running (a game's tick): a room with one is never idle. */
  timers: Set<NodeJS.Timeout>;
}

const roomState = new WeakMap<LoadedObject, RoomSockets>();

/**
 * Loads a room: its ports over this process (node:sqlite file, AlarmBook, folder archive, timers) and
 * its engine. The loaded object's `fetch` answers an upgrade with a pending accept, every other
 * request with 404; its other methods are the engine's.
 */
export function roomLoader(create: RoomEngineFactory, env: Env, alarms: AlarmBook, archive: ArchivePort, pending: () => PendingAccepts, namespace: () => NodeNamespace) {
  return (context: ObjectContext): LoadedObject => {
    const { kind, name } = context;
    const db = context.db!;
    const durable = nodeDurability(nodeSqlite(db), context.path!);
    const state: RoomSockets = { sockets: new Map(), timers: new Set() };
    const ports: RoomPorts = {
      host: {
        name,
        sockets: () => [...state.sockets.values()].filter((socket) => socket.isOpen),
        storageBytes: () => durable.db.sql.databaseSize,
        deleteAll: async () => {
          alarms.delete(kind, name);
          eraseSqlite(db);
        },
        drop: () => context.drop(),
      },
      db: durable.db,
      durability: durable.durability,
      scheduler: {
        setAlarm: async (at) => alarms.set(kind, name, at),
        deleteAlarm: async () => alarms.delete(kind, name),
        later: (delayMs, work) => {
          const timer = setTimeout(() => {
            state.timers.delete(timer);
            work();
          }, delayMs);
          state.timers.add(timer);
          return () => {
            clearTimeout(timer);
            state.timers.delete(timer);
          };
        },
        afterTurn: (work) => void setImmediate(work),
      },
      clock: { now: () => Date.now(), elapsedMs: () => performance.now() },
      random: { uuid: () => crypto.randomUUID() },
      archive,
    };
    const engine = create(ports, env);
    const instance: Record<string, unknown> = new Proxy(engine as unknown as Record<string, unknown>, {
      get: (target, property) => {
        if (property === "fetch") {
          return async (request: Request) => {
            if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response(null, { status: 404 });
            return pending().offer({ namespace: namespace(), name, request });
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const loaded: LoadedObject = {
      instance,
      socketCount: () => state.sockets.size + state.timers.size,
      alarm: async () => engine.alarm(),
      unload: () => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        engine.unload?.();
        durable.close();
      },
    };
    roomState.set(loaded, state);
    return loaded;
  };
}

/** Hands an upgraded socket to its room: connect, then every message and the close, in order. */
export async function attachSocket(namespace: NodeNamespace, name: string, ws: WebSocket, request: Request): Promise<void> {
  const id = new URL(request.url).searchParams.get(CONNECTION_ID_PARAM) ?? crypto.randomUUID();
  const socket = new WsRoomSocket(id, ws);
  // Events that arrive while connect runs wait for it, so the engine sees connect first.
  let turn: Promise<unknown> = Promise.resolve();
  const inRoom = (work: (engine: NodeRoomEngine, sockets: Map<string, RoomSocket> | undefined) => unknown) => {
    turn = turn
      .then(() => namespace.use(name, (object) => work(object.instance as unknown as NodeRoomEngine, roomState.get(object)?.sockets)))
      .catch((error) => {
        console.error(JSON.stringify({ event: "room_socket_failed", kind: namespace.kind, room: name, error: String(error) }));
        socket.close(1011, "internal error");
      });
    return turn;
  };
  ws.on("message", (data, isBinary) => {
    const message = isBinary ? toBytes(data) : data.toString();
    void inRoom((engine) => engine.message(socket, message));
  });
  // A protocol error (a frame past the size limit, a bad opcode): `ws` closes the socket and emits close next.
  ws.on("error", (error) => console.error(JSON.stringify({ event: "socket_error", kind: namespace.kind, room: name, connection: id, error: String(error) })));
  ws.on("close", (code, reason) => {
    // A room unloaded meanwhile (an admin delete) has forgotten the socket already.
    if (!namespace.isLoaded(name)) return;
    void inRoom((engine, sockets) => {
      sockets?.delete(id);
      return engine.close(socket, code, reason.toString());
    });
  });
  await inRoom((engine, sockets) => {
    sockets?.set(id, socket);
    return engine.connect(socket, request);
  });
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
