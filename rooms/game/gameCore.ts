/**
 * What the game engine needs from around it, apart from the runtime ports: the parts every room
 * kind shares (sending within the read-proof budget, closing with a logged code, the outbox, room
 * events, counters, the directory and the alarm), and the Workers services a game exports to (D1
 * leaderboards, R2 replays, the matchmaker's seat counts). Interfaces only: the engine reaches no
 * runtime through this file, and a test passes memory twins.
 */
import type { LeaderboardStore } from "../../persistence/leaderboardStore.ts";
import type { OutboxStatus } from "../../persistence/outbox.ts";
import type { OutboxKind, OutboxPayloads } from "../../persistence/outboxKinds.ts";
import type { ReplayArchive } from "../../persistence/replayArchive.ts";
import type { z } from "zod";
import type { CloseCode, RoomEventData, RoomEventType, RoomIdentity } from "../../protocol/index.ts";
import type { RoomSocket } from "../engine/ports.ts";
import type { AdmissionPolicy, Occupant } from "../occupancy.ts";

/** The outbox, as far as a game writes to it: a match's exports, and whether the next match must wait. */
export interface GameOutbox {
  enqueue<K extends OutboxKind>(kind: K, key: string, payload: OutboxPayloads[K], now: number, options?: { isReserved?: boolean }): void;
  isFull(): boolean;
  status(): OutboxStatus;
}

/** The room's counters (rooms/telemetry.ts), as far as a game counts. */
export interface GameTelemetry {
  received(connectionId: string, bytes: number): void;
  refused(reason: string): void;
  tickOverrun(): void;
}

/**
 * The shared room core, as the game engine uses it: the names are the core's own (rooms/engine/roomCore.ts),
 * so the core is one as it is. The core forgets a closed socket's counters and read proof itself.
 */
export interface GameRoomCore {
  readonly isLocked: boolean;
  readonly outbox: GameOutbox;
  readonly telemetry: GameTelemetry;
  /** Room meta: where the room was placed (a region), or null. */
  readonly meta: { get(key: "location_hint"): string | null };
  /** Checks a new socket's identity, quota and share-out, and stores its state in the check's step; closes it and returns null when refused. */
  admit<Role extends string, State>(
    socket: RoomSocket,
    request: Request,
    rules: { roles: z.ZodType<Role>; others: () => readonly Occupant[]; policy: AdmissionPolicy; store: (identity: RoomIdentity, role: Role) => State },
  ): Promise<State | null>;
  /** The room's open sockets (ready or not). */
  openSockets(): RoomSocket[];
  /** Sends within the socket's read-proof budget (probing, or closing a slow consumer with 4408). */
  send(socket: RoomSocket, data: string | Uint8Array): void;
  /** Closes with a stable code and a reason a client may read, and logs it. */
  closeSocket(socket: RoomSocket, code: CloseCode, reason: string): void;
  /** The client answered a probe. */
  proofOfReading(socket: RoomSocket): void;
  /** Activity without forcing a directory report. */
  noteActivity(): void;
  /**
   * A change the directory shows; sets the alarm for the report. `neededBy`: when the change itself
   * needs the alarm (null: never); an alarm already set no later is left alone.
   */
  noteDirectoryChange(neededBy?: number | null): void;
  /** The alarm for the earliest of the core's and the engine's due work. */
  scheduleAlarm(): Promise<void>;
  /** Closes the socket with 4440 when its token expires. */
  watchTokenExpiry(socket: RoomSocket, expiresAt: number): void;
  /** Closes with 4500 and drops the instance: its stored state failed to load. */
  refuseUnloaded(socket: RoomSocket, what: string): void;
  /** Writes a room event to the outbox; call inside the transaction of the change it reports. */
  recordEvent<T extends RoomEventType>(type: T, id: string, data: RoomEventData<T>, at: number, options?: { isReserved?: boolean }): void;
}

/** One room's seats as it reports them to the matchmaker of its region. */
export interface SeatReport {
  region: string;
  /** Who sits, connected or held. */
  seated: readonly string[];
  maxPlayers: number;
  /** How many of `seated` are held for a player whose connection dropped. */
  held: number;
  /**
   * Players who came and left without a seat (their socket closed before it was seated): their
   * reservations for this room are used up, as a seated player's is.
   */
  gone?: readonly string[];
}

/** The services a game room exports to, outside its own storage. */
export interface GameServices {
  leaderboards: LeaderboardStore;
  replays: ReplayArchive;
  /** A leaderboard's rows changed: pages of it cached at the edge are stale. */
  boardChanged(board: string): Promise<unknown>;
  /**
   * Tells the matchmaker of the room's region which players (subs) hold its seats, how many of those
   * seats are held for a player whose connection dropped, and who came and left without a seat
   * (SeatReport). Fire-and-forget: the matchmaker also holds reservations, so a lost report never
   * overfills a room.
   */
  reportSeats(report: SeatReport): void;
}
