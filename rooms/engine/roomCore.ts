import { flushOutbox, SqliteOutbox, type Outbox } from "../../persistence/outbox.ts";
import { unknownOutboxKind, type RoomExportEntry } from "../../persistence/outboxKinds.ts";
import { SqliteDirectoryState } from "../../persistence/directoryState.ts";
import { SqliteRoomCounters } from "../../persistence/roomCounters.ts";
import { SqliteRoomMetaStore } from "../../persistence/roomMeta.ts";
import { CloseCode, DirectoryReport, truncateCloseReason, type DirectoryEntry, type RoomEventData, type RoomEventType } from "../../protocol/index.ts";
import { logEvent } from "../log.ts";
import { ReadProof, type ReadProofLimits } from "../readProof.ts";
import { RoomTelemetry } from "../telemetry.ts";
import { admitSocket, CreationGate, TOKEN_EXPIRED_REASON, type AdmissionRules } from "./admission.ts";
import { ArmedAlarm } from "./armedAlarm.ts";
import { SocketList, TokenDeadlines } from "./connections.ts";
import { DirectoryReporter } from "./directoryReporter.ts";
import type { RoomPorts, RoomSocket } from "./ports.ts";
import { adminOps, type RoomAdmin } from "./roomAdmin.ts";
import { RoomSends } from "./roomSends.ts";
import { enqueueRoomEvent } from "./roomEvents.ts";
import type { RoomServices } from "./services.ts";

/** Who a socket is, as every room kind can say it. `sub` is the token's claim, the one name of a person inside. */
export interface ConnectionIdentity {
  sub: string;
  role: string;
  connectedAt: number;
}

/**
 * What makes a room a document or a game room: one plain object of functions its engine hands the
 * core. The core calls `onConnect`, `onMessage` and `onClose` from its own entry points, after (or
 * before) the bookkeeping every room needs, so no room kind can forget it.
 */
export interface RoomKind {
  kind: "doc" | "game";
  /** The room's path, as tokens name it: `doc/{id}` or `game/{game}/{id}`. */
  roomPath: string;
  gameName: string | null;
  roomId: string;
  /** Every archived object of the room (document versions, replays) lives under this prefix: a delete removes them. */
  archivePrefix: string;
  /** How much may go to a socket unread, and the probe every reading client of this kind answers. */
  readLimits: ReadProofLimits;
  probeFrame(): string | Uint8Array;
  /** Who a socket is (from its attachment), or null for one that never finished admission. */
  identityOf(socket: RoomSocket): ConnectionIdentity | null;
  /** When a socket's token expires (ms since the epoch, from its attachment), or null. */
  tokenExpiryOf(socket: RoomSocket): number | null;
  /** Whether this socket reads JSON control messages. */
  readsControl(socket: RoomSocket): boolean;
  encodeSystemMessage(message: string): string;
  /** Delivers an outbox entry of this room kind's own. */
  deliver(entry: RoomExportEntry): Promise<void>;
  /** Alarm work of this room kind, and when it next needs the alarm. */
  alarmWork(now: number): void;
  nextAlarmWork(): number | null;
  onConnect(socket: RoomSocket, request: Request): Promise<void> | void;
  /** Handles one frame; the core turns anything it throws into a logged 4500 close. */
  onMessage(socket: RoomSocket, data: string | Uint8Array): void;
  /** A socket closed; `code` is the close code its client sent, where the runtime reports one. */
  onClose(socket: RoomSocket, code?: number): Promise<void> | void;
}

/**
 * What every room shares, whatever it runs: its open sockets, token deadlines (4440), proof of
 * reading (4408), placement and lock in room meta, an outbox flushed by the alarm, throttled
 * directory reports, room events, counters, and the admin operations that do not depend on the
 * room kind. Everything through ports and services: it runs in a Durable Object and on Node alike.
 */
export class RoomCore implements RoomAdmin {
  readonly meta: SqliteRoomMetaStore;
  readonly outbox: Outbox;
  readonly telemetry: RoomTelemetry;
  readonly #directory: DirectoryReporter;
  readonly #sockets: SocketList;
  readonly #deadlines: TokenDeadlines;
  readonly #readProof: ReadProof;
  readonly #sends: RoomSends;
  readonly #admin: RoomAdmin;
  readonly #creation = new CreationGate();
  readonly #alarm = new ArmedAlarm();
  #lastActiveAt: number;
  #isDropping = false;
  /** Set by purge(): the storage is gone, and the instance is about to be dropped. */
  isDeleted = false;

  constructor(
    readonly ports: RoomPorts,
    readonly services: RoomServices,
    readonly room: RoomKind,
  ) {
    const sql = ports.db.sql;
    this.meta = new SqliteRoomMetaStore(sql);
    this.outbox = new SqliteOutbox(sql);
    this.telemetry = new RoomTelemetry(new SqliteRoomCounters(sql));
    this.#directory = new DirectoryReporter(new SqliteDirectoryState(sql), this.outbox, ports.random, () => this.directoryEntry());
    this.#sockets = new SocketList(ports.host);
    this.#deadlines = new TokenDeadlines(() => this.openSockets(), (socket) => room.tokenExpiryOf(socket));
    this.#readProof = new ReadProof(room.readLimits);
    this.#sends = new RoomSends(this.#readProof, this.telemetry, {
      readLimits: room.readLimits,
      probeFrame: () => room.probeFrame(),
      closeSocket: (socket, code, reason) => this.closeSocket(socket, code, reason),
    });
    this.#lastActiveAt = ports.clock.now();
    this.#admin = adminOps(this);
  }

  // ---- entry points: the runtime adapter calls these ----

  async connect(socket: RoomSocket, request: Request): Promise<void> {
    // The cached list takes the new socket, so N joins cost N, not N x N re-reads of every attachment.
    this.#sockets.add(socket);
    await this.room.onConnect(socket, request);
  }

  message(socket: RoomSocket, data: string | Uint8Array): void {
    // The alarm closes it at exp; a frame that arrives before the alarm runs is not served either.
    if (this.#deadlines.isExpired(socket.id, this.ports.clock.now()) && socket.isOpen) return this.closeSocket(socket, CloseCode.TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    try {
      this.room.onMessage(socket, data);
    } catch (error) {
      logEvent("room_error", { room: this.room.roomPath, connection: socket.id, error });
      this.closeSocket(socket, CloseCode.INTERNAL, "internal error");
    }
  }

  async close(socket: RoomSocket, code?: number): Promise<void> {
    this.#sockets.remove(socket);
    this.#deadlines.forget(socket.id);
    this.#readProof.forget(socket.id);
    this.telemetry.forget(socket.id);
    await this.room.onClose(socket, code);
  }

  async alarm(): Promise<void> {
    this.#alarm.forget();
    const now = this.ports.clock.now();
    for (const socket of this.#deadlines.takeExpired(now)) this.closeSocket(socket, CloseCode.TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    this.room.alarmWork(now);
    const dueAt = this.#directory.due(now);
    const events = this.services.eventDelivery();
    const flushed = await flushOutbox(
      this.outbox,
      (entry) => {
        switch (entry.kind) {
          case "directory": return this.services.deliverDirectoryReport(DirectoryReport.parse(JSON.parse(entry.payload)));
          case "event_hook": case "event_webhook": return events.deliver(entry);
          case "doc_version": case "doc_version_prune": case "leaderboard": case "replay": return this.room.deliver(entry);
          default: { const never: never = entry; throw unknownOutboxKind(never); }
        }
      },
      () => this.ports.clock.now(),
    );
    if (flushed.failed > 0) logEvent("flush_failed", { room: this.room.roomPath, ...this.outbox.status() });
    await this.scheduleAlarm(dueAt);
  }

  // ---- what a room kind's engine uses ----

  /** Checks a new socket's identity, quota and share-out (admission.ts); null after closing it. */
  admit<Role extends string, State>(socket: RoomSocket, request: Request, rules: AdmissionRules<Role, State>) {
    return admitSocket(socket, request, rules, { roomPath: this.room.roomPath, meta: this.meta, services: this.services, clock: this.ports.clock, creation: this.#creation, close: (s, code, reason) => this.closeSocket(s, code, reason) });
  }

  /**
   * Call once a socket is admitted, before noteDirectoryChange (which sets the alarm): the room
   * closes it with 4440 when its token expires. The attachment holds the deadline across wakes.
   */
  watchTokenExpiry(socket: RoomSocket, expiresAt: number): void {
    this.#deadlines.watch(socket.id, expiresAt);
  }

  /** The client answered a probe (or something sent outside the budget, see expectAnswer). */
  proofOfReading(socket: RoomSocket): void {
    this.#readProof.answered(socket.id);
  }

  /** Something just sent asks for an answer that proves nothing about the budget (a sync step 1 at connect). */
  expectAnswer(socket: RoomSocket): void {
    this.#readProof.expectAnswer(socket.id);
  }

  /** Whether anyone ever connected: rooms come into being with their first connection. */
  exists(): boolean {
    return !this.isDeleted && this.meta.get("created_at") !== null;
  }

  get isLocked(): boolean {
    return this.meta.get("locked") === "true";
  }

  /**
   * A change the directory shows (connections, lock, activity): reported within DIRECTORY_REPORT_INTERVAL_MS.
   * `neededBy`: the earliest alarm the change itself needs (a join's deadlines), null for none, left out if not known.
   */
  noteDirectoryChange(neededBy?: number | null): void {
    // A room that was never created (every connection refused) is not listed and writes no outbox entry.
    if (!this.exists()) return;
    this.#lastActiveAt = this.ports.clock.now();
    const reportAt = this.#directory.changed(this.#lastActiveAt); // null: a report was just queued, to send now
    if (neededBy !== undefined && reportAt !== null && this.#alarm.covers(this.#lastActiveAt, reportAt, neededBy)) return;
    void this.scheduleAlarm(reportAt);
  }

  /** Marks activity without forcing a report. */
  noteActivity(): void {
    this.#lastActiveAt = this.ports.clock.now();
  }

  /** Writes a room event to the outbox; call it inside the transaction of the change it reports. The alarm delivers it. */
  recordEvent<T extends RoomEventType>(type: T, id: string, data: RoomEventData<T>, at: number, { isReserved = false } = {}): void {
    const event = { id, type, at, room: this.room.roomPath, data } as Parameters<typeof enqueueRoomEvent>[2];
    enqueueRoomEvent(this.outbox, this.services, event, { isReserved });
  }

  /** Sets the one alarm for the earliest of: outbox flush, room work, a token expiry, a pending directory report. */
  async scheduleAlarm(extra: number | null = null): Promise<void> {
    const times = [this.outbox.nextAttemptAt(), this.room.nextAlarmWork(), this.#deadlines.next(), extra].filter((t): t is number => t !== null);
    if (times.length === 0) return;
    await this.#alarm.set(this.ports.scheduler, Math.max(Math.min(...times), this.ports.clock.now() + 1));
  }
  /** The alarm was deleted (a purge): the next change works it out again. */
  forgetAlarm(): void { this.#alarm.forget(); }

  /** Sends a frame (RoomSends: counted, read-proof probed, a slow consumer closed with 4408). */
  send(socket: RoomSocket, data: string | Uint8Array): void {
    this.#sends.send(socket, data);
  }

  /** Sends frames a client reads as one answer, in order, any probe after the last (RoomSends.sendAnswer). */
  sendAnswer(socket: RoomSocket, frames: readonly Uint8Array[]): void {
    this.#sends.sendAnswer(socket, frames);
  }

  /** Sends one frame, encoded once by the caller, to every open socket but `without` (RoomSends). */
  sendToAll(data: string | Uint8Array, without?: string): void {
    this.#sends.sendToAll(this.openSockets(), data, without);
  }

  openSockets(): RoomSocket[] {
    return this.#sockets.open();
  }

  /** Closes with a stable code and a reason a client may read, and logs it. */
  closeSocket(socket: RoomSocket, code: CloseCode, reason: string): void {
    logEvent("connection_closed", { room: this.room.roomPath, connection: socket.id, code, reason });
    socket.close(code, truncateCloseReason(reason));
  }

  /**
   * For a room whose stored state failed to load: closes the socket with 4500, then drops this
   * instance once the turn ends, so the next connection builds a new one that loads again. A
   * failed instance kept warm by clients reconnecting to it would never retry.
   */
  refuseUnloaded(socket: RoomSocket, what: string): void {
    this.closeSocket(socket, CloseCode.INTERNAL, `${what} could not be loaded; it was not changed`);
    this.drop(`${what} could not be loaded`);
  }

  /** Drops this instance once the current turn ends (its replies go out first); the next request builds a new one. */
  drop(reason: string): void {
    if (this.#isDropping) return;
    this.#isDropping = true;
    this.ports.host.drop(reason);
  }

  // ---- admin operations shared by every room kind (roomAdmin.ts) ----

  connectionsInfo() { return this.#admin.connectionsInfo(); }
  kick(target: { connectionId?: string; sub?: string }, reason: string) { return this.#admin.kick(target, reason); }
  broadcastSystem(message: string) { return this.#admin.broadcastSystem(message); }
  setLocked(isLocked: boolean) { return this.#admin.setLocked(isLocked); }
  purge(options?: { maxR2Objects?: number }) { return this.#admin.purge(options); }

  /** This room as the directory lists it. */
  directoryEntry(): DirectoryEntry {
    const status = this.outbox.status();
    return {
      room: this.room.roomPath,
      kind: this.room.kind,
      game: this.room.gameName,
      roomId: this.room.roomId,
      connections: this.openSockets().length,
      locationHint: this.meta.get("location_hint"),
      createdAt: Number(this.meta.get("created_at") ?? this.ports.clock.now()),
      lastActiveAt: this.#lastActiveAt,
      storageBytes: this.ports.host.storageBytes(),
      isLocked: this.isLocked,
      stats: this.telemetry.totals({ backlog: status.backlog, failures: status.failures }),
    };
  }
}
