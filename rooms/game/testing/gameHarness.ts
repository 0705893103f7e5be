/**
 * A game engine in plain Node, for tests: node:sqlite for the room's database, a clock and a
 * scheduler the test moves by hand, counting randomness, sockets that keep what they were sent,
 * memory leaderboards and replays, and the real room core (rooms/engine/roomCore.ts) on services
 * that record what they were given. The test drives the core's entry points, as a runtime adapter does.
 */
import { DatabaseSync } from "node:sqlite";
import { MemoryLeaderboardStore } from "../../../persistence/leaderboardStore.ts";
import { nodeSqlite } from "../../../persistence/nodeSqlite.ts";
import { MemoryReplayArchive } from "../../../persistence/replayArchive.ts";
import { SqliteGameStore } from "../../../persistence/sqliteGameStore.ts";
import { IDENTITY_HEADER, encodeIdentityHeader, roomPath, type AnyGame, type DirectoryReport, type ServerGameMessage } from "../../../protocol/index.ts";
import type { ArchivePort, Clock, Randomness, RoomPorts, RoomSocket, Scheduler } from "../../engine/ports.ts";
import { RoomCore } from "../../engine/roomCore.ts";
import type { RoomEventEntry, RoomServices } from "../../engine/services.ts";
import type { GameServices } from "../gameCore.ts";
import { GameEngine } from "../gameEngine.ts";

export class ManualClock implements Clock {
  constructor(public at = Date.UTC(2026, 0, 1)) {}
  now(): number { return this.at; }
  elapsedMs(): number { return this.at; }
  advance(ms: number): void { this.at += ms; }
}

/** UUIDs from a counter: each run of a test sees the same ids, seeds and resume tokens. */
export class CountingRandom implements Randomness {
  #n = 0;
  uuid(): string {
    const hex = (++this.#n * 2654435761 >>> 0).toString(16).padStart(8, "0").repeat(4);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** Timers and the alarm, run only when the test says so: `runDue` runs the timers the clock has reached. */
export class ManualScheduler implements Scheduler {
  readonly timers = new Set<{ at: number; work: () => void }>();
  alarmAt: number | null = null;
  constructor(private readonly clock: Clock) {}
  async setAlarm(at: number): Promise<void> { this.alarmAt = at; }
  async deleteAlarm(): Promise<void> { this.alarmAt = null; }
  later(delayMs: number, work: () => void): () => void {
    const timer = { at: this.clock.elapsedMs() + delayMs, work };
    this.timers.add(timer);
    return () => void this.timers.delete(timer);
  }
  afterTurn(work: () => void): void { queueMicrotask(work); }
  /** Runs each timer whose time has come, earliest first, and those they set that are due too. */
  runDue(): void {
    for (;;) {
      const due = [...this.timers].filter((t) => t.at <= this.clock.elapsedMs()).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.timers.delete(due);
      due.work();
    }
  }
}

export class TestSocket implements RoomSocket {
  static #next = 0;
  readonly id = `socket-${++TestSocket.#next}`;
  readonly sent: string[] = [];
  /** Binary frames (the binary game wire), apart from the JSON ones in `sent`. */
  readonly binary: Uint8Array[] = [];
  attachment: unknown = null;
  closed: { code: number; reason: string } | null = null;
  get isOpen(): boolean { return this.closed === null; }
  send(data: string | Uint8Array): void { if (typeof data === "string") this.sent.push(data); else this.binary.push(data); }
  close(code: number, reason: string): void { this.closed ??= { code, reason }; }
  attach(value: unknown): void { this.attachment = structuredClone(value); }
  /** Messages received, parsed. */
  messages(): ServerGameMessage[] { return this.sent.map((f) => JSON.parse(f) as ServerGameMessage); }
  last<T extends ServerGameMessage["type"]>(type: T): Extract<ServerGameMessage, { type: T }> | undefined {
    return this.messages().filter((m): m is Extract<ServerGameMessage, { type: T }> => m.type === type).at(-1);
  }
}

/** The deployment's services, recorded: every event delivered, every directory report. */
function testRoomServices() {
  const delivered: RoomEventEntry[] = [];
  const reports: DirectoryReport[] = [];
  const services: RoomServices = {
    deliverDirectoryReport: async (report) => void reports.push(report),
    removeFromDirectory: async () => 0,
    eventDestinations: () => ["event_hook"],
    eventDelivery: () => ({ deliver: async (entry) => void delivered.push(entry) }),
    takeRoomCreationToken: async () => ({ isAllowed: true, perMinute: 60, retryAfterSeconds: 0 }),
    maxConnectionsPerSub: () => 4,
  };
  return { services, delivered, reports };
}

/** Game rooms keep nothing in the archive (replays go through GameServices): an empty one. */
const emptyArchive: ArchivePort = {
  put: async () => undefined,
  get: async () => null,
  list: async () => ({ objects: [], truncated: false }),
  delete: async () => {},
};

/** One game room on one database; `reload()` builds a new engine on the same database, as after an eviction. */
/** `holdsOutput`: as workerd's output gate, so hellos are answered in groups (helloGroups.ts) after a microtask. */
export function gameHarness(game: AnyGame, roomId = "room-1", database = new DatabaseSync(":memory:"), { holdsOutput = false } = {}) {
  const db = nodeSqlite(database);
  const clock = new ManualClock();
  const random = new CountingRandom();
  const scheduler = new ManualScheduler(clock);
  const path = roomPath("game", `${game.name}/${roomId}`);
  let sockets: TestSocket[] = [];
  const leaderboards = new MemoryLeaderboardStore();
  const replays = new MemoryReplayArchive();
  const seatReports: { seated: string[]; held: number; gone: string[] }[] = [];
  const services: GameServices = {
    leaderboards,
    replays,
    boardChanged: async () => {},
    reportSeats: ({ seated, held, gone = [] }) => void seatReports.push({ seated: [...seated], held, gone: [...gone] }),
  };
  const recorded = testRoomServices();
  const ports: RoomPorts = {
    host: { name: `${game.name}:${roomId}`, sockets: () => sockets, storageBytes: () => db.sql.databaseSize, deleteAll: async () => {}, drop: () => {} },
    db,
    durability: { sync: async () => {}, afterDurable: (send) => send(), holdsOutput },
    scheduler,
    clock,
    random,
    archive: emptyArchive,
  };
  const build = () => {
    let core: RoomCore | null = null;
    const engine = new GameEngine({
      game, roomId, store: new SqliteGameStore(db.sql), ports, services, maxConnectionsPerSub: 4,
      core: (kind) => (core = new RoomCore(ports, recorded.services, kind)),
    });
    return { core: core!, engine };
  };
  let room = build();
  const harness = {
    db, clock, scheduler, leaderboards, replays, seatReports, events: recorded.delivered,
    get engine() { return room.engine; },
    get core() { return room.core; },
    /** Opens and admits a socket; it still has to say hello. */
    async open(sub: string, role = "player", exp = clock.now() / 1000 + 3600): Promise<TestSocket> {
      const socket = new TestSocket();
      sockets.push(socket);
      const identity = encodeIdentityHeader({ sub, role, room: path, exp });
      await room.core.connect(socket, new Request("http://room/", { headers: { [IDENTITY_HEADER]: identity } }));
      return socket;
    },
    /** A socket that said hello; `resume` is a seat's resume token. */
    async join(sub: string, options: { role?: string; resume?: string; wire?: string } = {}): Promise<TestSocket> {
      const socket = await harness.open(sub, options.role);
      harness.say(socket, { type: "hello", protocol: 1, resume: options.resume, wire: options.wire });
      return socket;
    },
    say(socket: TestSocket, message: unknown): void { room.core.message(socket, JSON.stringify(message)); },
    async close(socket: TestSocket): Promise<void> {
      socket.close(1000, "bye");
      sockets = sockets.filter((s) => s !== socket);
      await room.core.close(socket);
    },
    /** Runs `n` ticks of every running interval, moving the clock by the game's tick interval each. */
    tick(n = 1): void {
      for (let i = 0; i < n; i++) {
        clock.advance(1000 / game.tickRateHz);
        scheduler.runDue();
      }
    },
    /** Runs the room's alarm now, as the runtime does when it fires: outbox flush, seat expiry, deadlines. */
    async alarm(): Promise<void> {
      await room.core.alarm();
    },
    /** Drops the engine (its sockets gone with it) and builds a new one on the same database. */
    reload(): void {
      sockets = [];
      scheduler.timers.clear();
      room = build();
      room.engine.start();
    },
  };
  return harness;
}
