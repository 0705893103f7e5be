import { DatabaseSync } from "node:sqlite";
import { nodeSqlite } from "../../../persistence/nodeSqlite.ts";
import type { SqlDatabase } from "../../../persistence/sql.ts";
import { IDENTITY_HEADER, RoomLimits, encodeIdentityHeader, type DirectoryReport, type RoomEventType } from "../../../protocol/index.ts";
import type { RoomHost, RoomPorts, RoomSocket } from "../ports.ts";
import type { EventOutboxKind, RoomEventEntry, RoomServices } from "../services.ts";
import { CountingRandomness, ManualClock, ManualDurability, ManualScheduler, MemoryArchive } from "./manualPorts.ts";
import { MemorySocket } from "./memorySocket.ts";

/** What a room under test is driven through: its entry points, as a runtime adapter calls them. */
export interface EngineEntryPoints {
  connect(socket: RoomSocket, request: Request): Promise<void>;
  message(socket: RoomSocket, data: string | Uint8Array): void;
  close(socket: RoomSocket): Promise<void>;
  alarm(): Promise<void>;
}

/** Services that record what a room sent out, with every quota open unless a test closes it. */
export class RecordingServices implements RoomServices {
  readonly reports: DirectoryReport[] = [];
  readonly events: RoomEventEntry[] = [];
  destinations: EventOutboxKind[] = [];
  maxPerSub: number = RoomLimits.MAX_CONNECTIONS_PER_SUB;
  creationsAllowed = true;

  async deliverDirectoryReport(report: DirectoryReport): Promise<void> {
    this.reports.push(report);
  }
  async removeFromDirectory(): Promise<number> {
    return 1;
  }
  eventDestinations(_type: RoomEventType): EventOutboxKind[] {
    return [...this.destinations];
  }
  eventDelivery() {
    return { deliver: async (entry: RoomEventEntry) => void this.events.push(entry) };
  }
  async takeRoomCreationToken() {
    return { isAllowed: this.creationsAllowed, perMinute: 10, retryAfterSeconds: 6 };
  }
  maxConnectionsPerSub(): number {
    return this.maxPerSub;
  }
}

/** A room's host in memory: the sockets a test opened, and what it asked of its runtime. */
class MemoryHost implements RoomHost {
  readonly all: MemorySocket[] = [];
  readonly drops: string[] = [];
  constructor(
    readonly name: string,
    private readonly db: SqlDatabase,
  ) {}
  sockets(): RoomSocket[] {
    return this.all.filter((s) => s.isOpen);
  }
  storageBytes(): number {
    return this.db.sql.databaseSize;
  }
  async deleteAll(): Promise<void> {
    const tables = this.db.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").toArray();
    for (const { name } of tables) this.db.sql.exec(`DROP TABLE "${name.replaceAll('"', '""')}"`);
  }
  drop(reason: string): void {
    this.drops.push(reason);
  }
}

/**
 * Every port of one room, in memory and under the test's control: a manual clock, scheduler and
 * durability, node:sqlite in memory (or a database handed in, to load a room again), a memory archive.
 */
export function testPorts(name: string, { db = nodeSqlite(new DatabaseSync(":memory:")), archive = new MemoryArchive(), clock = new ManualClock() } = {}) {
  const host = new MemoryHost(name, db);
  const scheduler = new ManualScheduler();
  const durability = new ManualDurability();
  const ports: RoomPorts = { host, db, durability, scheduler, clock, random: new CountingRandomness(), archive };
  return { ports, host, db, scheduler, durability, clock, archive };
}

export type TestPorts = ReturnType<typeof testPorts>;

let nextSocket = 0;

/**
 * Opens a socket to the room as the edge would hand it over: with the verified identity in its
 * header. Returns once the room's connect handler finished.
 */
export async function openSocket(
  room: EngineEntryPoints,
  ports: TestPorts,
  identity: { sub: string; role: string; name?: string; room: string; exp?: number },
  { path = "/v1/doc/room" } = {},
): Promise<MemorySocket> {
  const socket = new MemorySocket(`socket-${++nextSocket}`);
  ports.host.all.push(socket);
  const exp = identity.exp ?? Math.floor(ports.clock.now() / 1000) + 3600;
  const header = encodeIdentityHeader({ sub: identity.sub, role: identity.role, name: identity.name, room: identity.room, exp });
  await room.connect(socket, new Request(`http://room.test${path}`, { headers: { [IDENTITY_HEADER]: header } }));
  return socket;
}

/** Delivers the close event of every socket the room closed, as the runtime would after the turn. */
export async function deliverCloses(room: EngineEntryPoints, ports: TestPorts): Promise<void> {
  for (const socket of ports.host.all) {
    if (socket.closed && !closeDelivered.has(socket)) {
      closeDelivered.add(socket);
      await room.close(socket);
    }
  }
}

/** The client hangs up: the socket closes and the room hears of it. */
export async function hangUp(room: EngineEntryPoints, ports: TestPorts, socket: MemorySocket): Promise<void> {
  socket.close(1000, "bye");
  await deliverCloses(room, ports);
}

const closeDelivered = new WeakSet<MemorySocket>();
