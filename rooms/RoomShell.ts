import { type Connection, Server, type WSMessage } from "partyserver";
import { D1RoomDirectory, OutboxLimits, SqliteOutbox, SqliteRoomMetaStore, flushOutbox, unknownOutboxKind, type RoomExportEntry } from "../persistence/index.ts";
import { CloseCode, type DirectoryEntry, type RoomEventData, type RoomEventType } from "../protocol/index.ts";
import { TOKEN_EXPIRED_REASON, closeConnection } from "./admission.ts";
import { DirectoryReporter, deliverDirectoryReport } from "./directory.ts";
import { EVENT_OUTBOX_KINDS, EventDelivery, MAX_ENTRIES_PER_EVENT, enqueueRoomEvent } from "./events.ts";
import { logEvent } from "./log.ts";
import { PURGE_KEEPS, PURGE_MAX_R2_OBJECTS_PER_REQUEST, countSqliteRows, deleteR2Prefix, roomObjectsPrefix, type PurgeReport } from "./purge.ts";
import { ReadProof, type ReadProofLimits } from "./readProof.ts";
import { RoomTelemetry } from "./telemetry.ts";

/** Who a connection is, as every room kind can say it. `sub` is the token's claim, the one name of a person inside. */
export interface ConnectionIdentity {
  sub: string;
  role: string;
  connectedAt: number;
}

/**
 * What every room shares, whatever it runs: placement and lock in room meta, an outbox
 * flushed by the alarm, throttled reports to the room directory, counters, and the admin
 * operations that do not depend on the room kind (kick, system broadcast, lock, delete).
 */
export abstract class RoomShell extends Server<Env> {
  static options = { hibernate: true };

  protected readonly meta: SqliteRoomMetaStore;
  protected readonly outbox: SqliteOutbox;
  protected readonly telemetry: RoomTelemetry;
  readonly #directory: DirectoryReporter;
  #lastActiveAt = Date.now();
  /**
   * Open connections, kept between connects and closes. partyserver's getConnections() reads
   * (structured-clones) every socket's attachment on each call; once per broadcast that cost
   * the room most of its CPU per delivered message at a few hundred clients.
   */
  #connections: Connection[] | null = null;
  #readProof: ReadProof | null = null;
  #isDropping = false;
  /**
   * When each open connection's token expires (ms since the epoch), by connection id: the alarm
   * closes a connection then with 4440. Rebuilt from the attachments after a wake (see #expiries).
   */
  #tokenExpiries: Map<string, number> | null = null;
  /** Set by purge(): the storage is gone, and the instance is about to be dropped. */
  #isDeleted = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.meta = new SqliteRoomMetaStore(ctx.storage.sql);
    this.outbox = new SqliteOutbox(ctx.storage.sql);
    this.telemetry = new RoomTelemetry(ctx.storage.sql);
    this.#directory = new DirectoryReporter(ctx.storage.sql, this.outbox, () => this.directoryEntry());
  }

  /** `doc` or `game`. */
  protected abstract readonly kind: "doc" | "game";
  /** The room's path, as tokens name it: `doc/{id}` or `game/{game}/{id}`. */
  protected abstract get roomPath(): string;
  protected abstract get gameName(): string | null;
  protected abstract get roomId(): string;
  /** Delivers an outbox entry of this room kind's own. */
  protected abstract deliver(entry: RoomExportEntry): Promise<void>;
  /** Alarm work of this room kind, and when it next needs the alarm. */
  protected abstract onAlarmWork(now: number): void;
  protected abstract nextAlarmWork(): number | null;
  /** When a connection's token expires (ms since the epoch, from its attachment), or null for one never admitted. */
  protected abstract tokenExpiryOf(connection: Connection): number | null;
  /** Who a connection is, or null for one that never finished admission. */
  protected abstract identityOf(connection: Connection): ConnectionIdentity | null;
  /** Whether this connection can read JSON control messages. */
  protected abstract readsControl(connection: Connection): boolean;
  protected abstract encodeSystemMessage(message: string): string;
  /** How much may go to a connection unread, and the probe every reading client of this kind answers. */
  protected abstract readonly readLimits: ReadProofLimits;
  protected abstract probeFrame(): string | Uint8Array;

  /** Handles one frame; the shell turns anything it throws into a logged 4500 close. */
  protected abstract handleMessage(connection: Connection, message: WSMessage): void;

  onMessage(connection: Connection, message: WSMessage): void {
    // The alarm closes it at exp; a frame that arrives before the alarm runs is not served either.
    const expiresAt = this.#expiries().get(connection.id);
    if (expiresAt !== undefined && expiresAt <= Date.now() && connection.readyState === WebSocket.OPEN) return this.close(connection, CloseCode.TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    try {
      this.handleMessage(connection, message);
    } catch (error) {
      logEvent("room_error", { room: this.roomPath, connection: connection.id, error });
      this.close(connection, CloseCode.INTERNAL, "internal error");
    }
  }

  /** Whether anyone ever connected: rooms come into being with their first connection. */
  exists(): boolean {
    return !this.#isDeleted && this.meta.get("created_at") !== null;
  }

  get isLocked(): boolean {
    return this.meta.get("locked") === "true";
  }

  /**
   * Call at every connect: the cached list takes the new connection, so N joins cost N, not the
   * N x N of re-reading every socket's attachment per join.
   */
  protected rememberConnection(connection: Connection): void {
    if (this.#connections && !this.#connections.some((c) => c.id === connection.id)) this.#connections.push(connection);
  }

  /** Call at every close. */
  protected forgetConnection(connection: Connection): void {
    if (this.#connections) this.#connections = this.#connections.filter((c) => c.id !== connection.id);
    this.#tokenExpiries?.delete(connection.id);
    this.#readProof?.forget(connection.id);
  }

  /**
   * Call once a connection is admitted, before noteDirectoryChange (which sets the alarm): the
   * room closes the connection with 4440 when its token expires. The deadline is in the alarm,
   * not a timer, so a hibernating room keeps it; the attachment holds it across wakes.
   */
  protected watchTokenExpiry(connection: Connection, expiresAt: number): void {
    this.#expiries().set(connection.id, expiresAt);
  }

  /** Built on first use after a start or wake, from the attachments of the open connections. */
  #expiries(): Map<string, number> {
    this.#tokenExpiries ??= new Map(
      this.openConnections().flatMap((connection) => {
        const expiresAt = this.tokenExpiryOf(connection);
        return expiresAt === null ? [] : [[connection.id, expiresAt] as const];
      }),
    );
    return this.#tokenExpiries;
  }

  /** Closes, with 4440, every connection whose token has expired. */
  #closeExpiredConnections(now: number): void {
    const expiries = this.#expiries();
    for (const connection of this.openConnections()) {
      const expiresAt = expiries.get(connection.id);
      if (expiresAt !== undefined && expiresAt <= now) this.close(connection, CloseCode.TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    }
    // Closed ones no longer count for the alarm, even before their close event arrives.
    for (const [id, expiresAt] of expiries) if (expiresAt <= now) expiries.delete(id);
  }

  #nextTokenExpiry(): number | null {
    let next: number | null = null;
    for (const expiresAt of this.#expiries().values()) if (next === null || expiresAt < next) next = expiresAt;
    return next;
  }

  /** The client answered a probe (or something sent outside the budget, see expectAnswer). */
  protected proofOfReading(connection: Connection): void {
    this.#proofs.answered(connection.id);
  }

  /** Something just sent asks for an answer that proves nothing about the budget (a sync step 1 at connect). */
  protected expectAnswer(connection: Connection): void {
    this.#proofs.expectAnswer(connection.id);
  }

  get #proofs(): ReadProof {
    return (this.#readProof ??= new ReadProof(this.readLimits));
  }

  /** A change the directory shows (connections, lock, activity): reported within DIRECTORY_REPORT_INTERVAL_MS. */
  protected noteDirectoryChange(): void {
    // A room that was never created (every connection refused) is not listed and writes no outbox entry.
    if (!this.exists()) return;
    this.#lastActiveAt = Date.now();
    const dueAt = this.#directory.changed(this.#lastActiveAt);
    void this.scheduleAlarm(dueAt);
  }

  /** Marks activity without forcing a report. */
  protected noteActivity(): void {
    this.#lastActiveAt = Date.now();
  }

  async onAlarm(): Promise<void> {
    const now = Date.now();
    this.#closeExpiredConnections(now);
    this.onAlarmWork(now);
    const dueAt = this.#directory.due(now);
    const events = new EventDelivery(this.env);
    const flushed = await flushOutbox(this.outbox, (entry) => {
      switch (entry.kind) {
        case "directory": return deliverDirectoryReport(this.env.DB, entry);
        case "event_hook": case "event_webhook": return events.deliver(entry);
        case "doc_version": case "doc_version_prune": case "leaderboard": case "replay": return this.deliver(entry);
        default: { const never: never = entry; throw unknownOutboxKind(never); }
      }
    });
    if (flushed.failed > 0) logEvent("flush_failed", { room: this.roomPath, ...this.outbox.status() });
    await this.scheduleAlarm(dueAt);
  }

  /**
   * Writes a room event (rooms/events.ts) to the outbox, one entry per configured hook or webhook.
   * Call it inside the transaction of the change it reports; the alarm delivers it.
   */
  protected recordEvent<T extends RoomEventType>(type: T, id: string, data: RoomEventData<T>, at: number, { isReserved = false } = {}): void {
    const event = { id, type, at, room: this.roomPath, data } as Parameters<typeof enqueueRoomEvent>[2];
    enqueueRoomEvent(this.outbox, this.env, event, { isReserved });
  }

  /** Sets the one alarm for the earliest of: outbox flush, room work, a token expiry, a pending directory report. */
  protected async scheduleAlarm(extra: number | null = null): Promise<void> {
    const times = [this.outbox.nextAttemptAt(), this.nextAlarmWork(), this.#nextTokenExpiry(), extra].filter((t): t is number => t !== null);
    if (times.length === 0) return;
    await this.ctx.storage.setAlarm(Math.max(Math.min(...times), Date.now() + 1));
  }

  /**
   * Sends a frame; probes a client that has not proven it reads, and closes one that never answers
   * (4408) instead of sending it more. A connection closed earlier in this turn gets nothing.
   */
  protected send(connection: Connection, data: string | ArrayBufferView): void {
    if (connection.readyState !== WebSocket.OPEN) return;
    const bytes = frameBytes(data);
    const verdict = this.#proofs.sent(connection.id, bytes);
    if (verdict === "close") {
      this.telemetry.refused("slow_consumer");
      this.close(connection, CloseCode.SLOW_CONSUMER, `over ${this.readLimits.maxUnreadBytes} bytes sent without proof of reading`);
      return;
    }
    connection.send(data);
    this.telemetry.sent(connection.id, bytes);
    if (verdict === "probe") {
      const probe = this.probeFrame();
      connection.send(probe);
      this.telemetry.sent(connection.id, frameBytes(probe));
      this.#proofs.probed(connection.id, frameBytes(probe));
    }
  }

  protected sendToAll(data: string | ArrayBufferView, without?: string): void {
    for (const connection of this.openConnections()) if (connection.id !== without) this.send(connection, data);
  }

  protected openConnections(): Connection[] {
    this.#connections ??= [...this.getConnections()];
    return this.#connections.filter((c) => c.readyState === WebSocket.OPEN);
  }

  protected close(connection: Connection, code: CloseCode, reason: string): void {
    closeConnection(connection, this.roomPath, code, reason);
  }

  /**
   * For a room whose stored state failed to load: closes the connection with 4500, then drops
   * this instance once the turn ends, so the next connection builds a new one that loads again.
   * A failed instance kept warm by clients reconnecting to it would never retry.
   */
  protected refuseUnloaded(connection: Connection, what: string): void {
    this.close(connection, CloseCode.INTERNAL, `${what} could not be loaded; it was not changed`);
    this.#dropInstance(`${what} could not be loaded`);
  }

  /** Drops this instance once the current turn ends (its replies go out first); the next request builds a new one. */
  #dropInstance(reason: string): void {
    if (this.#isDropping) return;
    this.#isDropping = true;
    setTimeout(() => this.ctx.abort(reason), 0);
  }

  // ---- admin operations shared by every room kind ----

  /** Connections with who they are and what they sent and received. */
  connectionsInfo() {
    return this.openConnections().flatMap((connection) => {
      const identity = this.identityOf(connection);
      if (!identity) return [];
      // `user` is the admin inspect contract's name for the sub (README, connectionList).
      return [{ id: connection.id, user: identity.sub, role: identity.role, connectedAt: identity.connectedAt, ...this.telemetry.connection(connection.id) }];
    });
  }

  /** Closes a connection, or every connection of a user, with 4403 and the reason; returns how many. */
  kick(target: { connectionId?: string; sub?: string }, reason: string): number {
    let kicked = 0;
    for (const connection of this.openConnections()) {
      const identity = this.identityOf(connection);
      if (connection.id !== target.connectionId && (target.sub === undefined || identity?.sub !== target.sub)) continue;
      this.close(connection, CloseCode.FORBIDDEN, `kicked: ${reason}`);
      kicked += 1;
    }
    logEvent("admin_kick", { room: this.roomPath, ...target, reason, kicked });
    return kicked;
  }

  /** Sends a system message to every client that reads control messages; returns how many. */
  broadcastSystem(message: string): number {
    const text = this.encodeSystemMessage(message);
    const targets = this.openConnections().filter((c) => this.identityOf(c) && this.readsControl(c));
    for (const connection of targets) this.send(connection, text);
    logEvent("admin_broadcast", { room: this.roomPath, recipients: targets.length });
    return targets.length;
  }

  setLocked(isLocked: boolean): void {
    this.meta.set("locked", String(isLocked));
    logEvent("admin_lock", { room: this.roomPath, isLocked });
    this.noteDirectoryChange();
  }

  /**
   * Closes every connection with 4404 and deletes the room's R2 objects (at most `maxR2Objects`);
   * once none remain, removes its directory row and its DO SQLite. With objects left, the rows stay
   * and the report says so, so a later call finds the room and finishes.
   */
  async purge({ maxR2Objects = PURGE_MAX_R2_OBJECTS_PER_REQUEST } = {}): Promise<PurgeReport> {
    for (const connection of this.openConnections()) this.close(connection, CloseCode.NOT_FOUND, "room deleted");
    // No outbox upload may start while the room's objects are being deleted.
    await this.ctx.storage.deleteAlarm();
    const r2 = await deleteR2Prefix(this.env.ARCHIVE, roomObjectsPrefix(this.kind, this.gameName, this.roomId), maxR2Objects);
    const removed = { r2Objects: r2.objects, r2Bytes: r2.bytes, directoryRows: 0, sqliteRows: 0 };
    if (!r2.isComplete) {
      await this.scheduleAlarm();
      logEvent("admin_delete", { room: this.roomPath, isComplete: false, ...removed });
      return { isComplete: false, removed, kept: PURGE_KEEPS };
    }
    removed.directoryRows = await new D1RoomDirectory(this.env.DB).remove(this.roomPath, Date.now());
    removed.sqliteRows = countSqliteRows(this.ctx.storage.sql);
    this.#isDeleted = true;
    // Room events outlive the room: those not yet delivered, and this delete's own, are written back
    // into the emptied storage right after deleteAll, in the same turn (deleteAll resets DO SQLite at
    // once; the admin's answer waits on both commits), and the alarm delivers them from there. The
    // outbox then holds only events, so nothing of the room comes back; a new room of this name would
    // deliver them too.
    const undelivered = this.outbox.entriesOfKinds(Object.values(EVENT_OUTBOX_KINDS));
    // Room for the delete's own entries in the new outbox: a backlog that large means a receiver down for days.
    const carried = undelivered.slice(0, OutboxLimits.MAX_ENTRIES - MAX_ENTRIES_PER_EVENT);
    if (carried.length < undelivered.length) logEvent("event_dropped", { room: this.roomPath, reason: "room deleted with a full outbox", entries: undelivered.length - carried.length });
    const deleting = this.ctx.storage.deleteAll();
    const outbox = new SqliteOutbox(this.ctx.storage.sql); // its tables again
    const now = Date.now();
    for (const entry of carried) outbox.enqueue(entry.kind, entry.key, entry.payload, now, { isReserved: true });
    this.recordEvent("room.deleted", `room.deleted:${crypto.randomUUID()}`, { kind: this.kind, game: this.gameName, roomId: this.roomId, removed }, now, { isReserved: true });
    await deleting;
    // Not scheduleAlarm: the room kind's own alarm work reads tables that are gone.
    const flushAt = outbox.nextAttemptAt();
    if (flushAt !== null) await this.ctx.storage.setAlarm(flushAt);
    logEvent("admin_delete", { room: this.roomPath, isComplete: true, ...removed });
    // The in-memory room still holds the old state: drop the instance, so the next request starts empty.
    this.#dropInstance("room deleted");
    return { isComplete: true, removed, kept: PURGE_KEEPS };
  }

  /** This room as the directory lists it. */
  directoryEntry(): DirectoryEntry {
    const status = this.outbox.status();
    return {
      room: this.roomPath,
      kind: this.kind,
      game: this.gameName,
      roomId: this.roomId,
      connections: this.openConnections().length,
      locationHint: this.meta.get("location_hint"),
      createdAt: Number(this.meta.get("created_at") ?? Date.now()),
      lastActiveAt: this.#lastActiveAt,
      storageBytes: this.ctx.storage.sql.databaseSize,
      isLocked: this.isLocked,
      stats: this.telemetry.totals({ backlog: status.backlog, failures: status.failures }),
    };
  }
}

const frameBytes = (data: string | ArrayBufferView): number => (typeof data === "string" ? data.length : data.byteLength);
