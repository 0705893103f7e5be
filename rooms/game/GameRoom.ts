import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import { D1LeaderboardStore, R2ReplayArchive, SqliteGameStore, replayPrefix, type GameStore, type RoomExportEntry, type Seat } from "../../persistence/index.ts";
import {
  CloseCode,
  GameLimits,
  GameRole,
  PROTOCOL_VERSION,
  RoomLimits,
  decodeClientGameMessage,
  encodeGameMessage,
  hashState,
  parseGameRoomObjectName,
  roomPath,
  versionMismatch,
  type AnyGame,
  type GameErrorCode,
  type ServerGameMessage,
} from "../../protocol/index.ts";
import { cloudflarePorts } from "../cloudflare/ports.ts";
import { cloudflareServices } from "../cloudflare/services.ts";
import { connectionOf, socketOf } from "../cloudflare/sockets.ts";
import { RoomCore, type ConnectionIdentity, type RoomKind } from "../engine/roomCore.ts";
import { Occupancy, type AdmissionPolicy } from "../occupancy.ts";
import { logEvent } from "../log.ts";
import { ConnectionStates, GameConnectionState } from "./connectionState.ts";
import { InputGate } from "./inputGate.ts";
import { deliverMatchExport, enqueueMatchExports, matchEndedData, type ExportTargets } from "./matchExports.ts";
import { MatchRunner } from "./matchRunner.ts";
import { findGame, isRegistryConfigured } from "./registry.ts";
import { SeatBook } from "./seatBook.ts";
import { reportSeats } from "./seatReports.ts";
import { ViewSync } from "./viewSync.ts";
import { toBytes } from "../doc/frames.ts";

/**
 * An authoritative game room: one game's rules, run at its tick rate while players are
 * connected. A thin shell: seats and the match record live in DO SQLite (persistence/),
 * the rules in a pure game definition, the match in MatchRunner, the deltas in ViewSync.
 * The object is named `{gameName}:{roomId}`.
 */
export class GameRoom extends Server<Env> {
  static options = { hibernate: true };
  /** What every room shares (sockets, deadlines, outbox, directory, admin), through ports. */
  readonly #core: RoomCore;

  readonly game: AnyGame;
  readonly #roomId: string;
  readonly #store: GameStore;
  readonly #seats: SeatBook;
  readonly #match!: MatchRunner;
  /**
   * Set when the stored match could not be read at start. The room then serves no one and
   * writes nothing (its clients are closed with 4500 instead of waiting on a room that cannot
   * answer); the next instance tries again (see refuseUnloaded).
   */
  #loadError: unknown = null;
  readonly #exports: ExportTargets;
  readonly #views = new ViewSync();
  /** Inputs since the last tick. Bounded by the input gate: each connection's rate, times the seats. */
  #inputs: { playerId: string; seq: number; input: unknown }[] = [];
  readonly #gates = new Map<string, InputGate>();
  readonly #states = new ConnectionStates();
  readonly #occupancy = new Occupancy<Connection>((connection) => {
    const state = GameConnectionState.safeParse(connection.state);
    if (!state.success) return null;
    return { sub: state.data.sub, role: state.data.role, waitingSince: state.data.isReady ? null : state.data.connectedAt };
  });
  /**
   * Sockets waiting for hello are capped at the room's seats plus its spectator places: a whole
   * room reconnecting at once fits, and no more. Spectators may take only the spectator share,
   * so the last maxPlayers waiting slots are kept for players.
   */
  readonly #admission: AdmissionPolicy;
  #tickTimer: ReturnType<typeof setInterval> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const { gameName, roomId } = parseGameRoomObjectName(ctx.id.name ?? "");
    const game = findGame(gameName);
    if (!game) {
      throw new Error(
        isRegistryConfigured()
          ? `GameRoom for unknown game "${gameName}"`
          : "GameRoom has no games: call createEdgeroom({ games }) at the top level of the Worker module that exports GameRoom",
      );
    }
    this.game = game;
    this.#roomId = roomId;
    const services = cloudflareServices(env);
    this.#core = new RoomCore(cloudflarePorts(ctx, env, () => this.getConnections()), services, this.#kind(game, roomId));
    this.#store = new SqliteGameStore(ctx.storage.sql);
    try {
      this.#match = new MatchRunner(game, this.#store);
    } catch (error) {
      this.#loadError = error;
      logEvent("load_failed", { room: ctx.id.name, error });
    }
    this.#seats = new SeatBook(this.#store, game.maxPlayers);
    this.#admission = {
      maxPerSub: services.maxConnectionsPerSub(ctx.id.name ?? ""),
      counts: "waiting",
      capacity: game.maxPlayers + GameLimits.MAX_SPECTATORS,
      capacityName: "connections waiting for hello",
      reservedSlots: game.maxPlayers,
      priorityRole: "player",
    };
    this.#exports = {
      game,
      roomId,
      store: this.#store,
      leaderboards: new D1LeaderboardStore(env.DB),
      replays: new R2ReplayArchive(env.ARCHIVE),
    };
  }

  /** The game kind, as the room core sees it. */
  #kind(game: AnyGame, roomId: string): RoomKind {
    return {
      kind: "game",
      roomPath: roomPath("game", `${game.name}/${roomId}`),
      gameName: game.name,
      roomId,
      archivePrefix: replayPrefix(game.name, roomId),
      readLimits: { probeAfterBytes: GameLimits.PROBE_AFTER_BYTES, maxUnreadBytes: GameLimits.MAX_UNREAD_BYTES },
      probeFrame: () => PROBE,
      identityOf: (socket): ConnectionIdentity | null => {
        const state = GameConnectionState.safeParse(socket.attachment);
        return state.success ? { sub: state.data.sub, role: state.data.role, connectedAt: state.data.connectedAt } : null;
      },
      tokenExpiryOf: (socket) => this.#states.get(connectionOf(socket))?.tokenExpiresAt ?? null,
      readsControl: (socket) => GameConnectionState.safeParse(socket.attachment).data?.isReady ?? false,
      encodeSystemMessage: (message) => encodeGameMessage({ type: "system", message }),
      deliver: (entry: RoomExportEntry) => deliverMatchExport(entry, this.#exports),
      alarmWork: (now) => this.#alarmWork(now),
      nextAlarmWork: () => {
        const times = [this.#seats.nextExpiry(), this.#occupancy.nextDeadline(this.openConnections())].filter((t) => t !== null);
        return times.length > 0 ? Math.min(...times) : null;
      },
      onConnect: (socket, request) => this.#handleConnect(connectionOf(socket), request),
      onMessage: (socket, data) => this.#handleMessage(connectionOf(socket), data),
      onClose: (socket) => this.#handleClose(connectionOf(socket)),
    };
  }

  #alarmWork(now: number): void {
    if (this.#loadError) return;
    this.#expireSeats(now);
    for (const connection of this.#occupancy.overdue(this.openConnections(), now)) {
      this.close(connection, CloseCode.HANDSHAKE_TIMEOUT, `no hello within ${RoomLimits.HANDSHAKE_TIMEOUT_MS / 1000} s`);
    }
  }

  // ---- the room core in partyserver's terms (until the game engine takes RoomSockets) ----
  private get meta() { return this.#core.meta; }
  private get outbox() { return this.#core.outbox; }
  private get telemetry() { return this.#core.telemetry; }
  private openConnections(): Connection[] { return this.#core.openSockets().map(connectionOf); }
  private send(connection: Connection, data: string | Uint8Array): void { this.#core.send(socketOf(connection), data); }
  private close(connection: Connection, code: CloseCode, reason: string): void { this.#core.closeSocket(socketOf(connection), code, reason); }
  private refuseUnloaded(connection: Connection, what: string): void { this.#core.refuseUnloaded(socketOf(connection), what); }
  private proofOfReading(connection: Connection): void { this.#core.proofOfReading(socketOf(connection)); }
  private scheduleAlarm(): Promise<void> { return this.#core.scheduleAlarm(); }

  onConnect(connection: Connection, { request }: ConnectionContext): Promise<void> { return this.#core.connect(socketOf(connection), request); }
  onMessage(connection: Connection, message: WSMessage): void { this.#core.message(socketOf(connection), typeof message === "string" ? message : toBytes(message)); }
  onClose(connection: Connection): Promise<void> { return this.#core.close(socketOf(connection)); }
  onAlarm(): Promise<void> { return this.#core.alarm(); }

  // ---- every room's admin operations (rooms/engine/roomAdmin.ts) ----
  exists() { return this.#core.exists(); }
  get isLocked() { return this.#core.isLocked; }
  connectionsInfo() { return this.#core.connectionsInfo(); }
  kick(target: { connectionId?: string; sub?: string }, reason: string) { return this.#core.kick(target, reason); }
  broadcastSystem(message: string) { return this.#core.broadcastSystem(message); }
  setLocked(isLocked: boolean) { return this.#core.setLocked(isLocked); }
  purge(options?: { maxR2Objects?: number }) { return this.#core.purge(options); }
  directoryEntry() { return this.#core.directoryEntry(); }

  onStart(): void {
    if (this.#loadError) {
      for (const connection of this.openConnections()) this.refuseUnloaded(connection, "the room's match");
      return;
    }
    // After a wake with players still connected (hibernated sockets), resume ticking.
    this.#ensureTicking();
  }

  async #handleConnect(connection: Connection, request: Request): Promise<void> {
    if (this.#loadError) return this.refuseUnloaded(connection, "the room's match");
    const admitted = await this.#core.admit(socketOf(connection), request, {
      roles: GameRole,
      others: () => this.#occupancy.others(this.openConnections(), connection.id),
      policy: this.#admission,
    });
    if (!admitted) return;
    const { identity, role } = admitted;
    const state: GameConnectionState = {
      sub: identity.sub,
      name: identity.name,
      role,
      isReady: false,
      connectedAt: Date.now(),
      tokenExpiresAt: identity.exp * 1000,
    };
    this.#states.set(connection, state);
    this.#occupancy.admitted(connection.id, { sub: state.sub, role, waitingSince: state.connectedAt });
    this.#core.watchTokenExpiry(socketOf(connection), state.tokenExpiresAt);
    this.#core.noteDirectoryChange();
  }


  async #handleClose(connection: Connection): Promise<void> {
    this.#gates.delete(connection.id);
    this.#states.forget(connection.id);
    this.#occupancy.forget(connection.id);
    this.#views.forget(connection.id);
    this.telemetry.forget(connection.id);
    if (this.#loadError) return;
    this.#core.noteDirectoryChange();
    const state = GameConnectionState.safeParse(connection.state);
    if (!state.success || state.data.role !== "player" || !state.data.isReady) return;
    if (this.#otherConnectionOf(state.data.sub, connection.id)) return;
    this.#seats.drop(state.data.sub, Date.now());
    if (!this.#hasConnectedPlayers()) this.#stopTicking();
    // Held seats expire by alarm, so no timer runs for them, not even in an empty room.
    await this.scheduleAlarm();
  }

  /** Whether the tick loop is running (for tests and the admin API). */
  get isTicking(): boolean {
    return this.#tickTimer !== null;
  }

  /** Seats and the current match, for tests and the admin API. */
  describe() {
    return {
      game: this.game.name,
      seats: this.#seats.all().map(({ resumeToken: _hidden, ...seat }) => seat),
      matchId: this.#match.matchId,
      tick: this.#match.engine?.tick ?? 0,
      locationHint: this.meta.get("location_hint"),
      outbox: this.outbox.status(),
    };
  }

  /** Everything an operator sees of this room. */
  inspect() {
    const engine = this.#match.engine;
    return {
      ...this.directoryEntry(),
      connectionList: this.connectionsInfo(),
      game: { name: this.game.name, version: this.game.version, tickRateHz: this.game.tickRateHz, maxPlayers: this.game.maxPlayers },
      tick: engine?.tick ?? 0,
      isTicking: this.isTicking,
      seats: this.#seats.all().map(({ resumeToken: _hidden, ...seat }) => seat),
      match: this.#match.matchId ? { id: this.#match.matchId, result: engine ? this.game.result(engine.state) : null } : null,
      outbox: this.outbox.status(),
    };
  }

  /** The current state and the running match's record. */
  exportRoom() {
    const engine = this.#match.engine;
    return {
      game: this.game.name,
      tick: engine?.tick ?? 0,
      state: engine?.state ?? null,
      match: this.#match.matchId ? this.matchRecord(this.#match.matchId) : null,
    };
  }

  /** The running match's tick and state hash, to check a replay against. */
  liveState(): { tick: number; hash: string | null } {
    const engine = this.#match.engine;
    return { tick: engine?.tick ?? 0, hash: engine ? hashState(engine.state) : null };
  }

  /** The record of a match: what `replayMatch` needs to re-run it. */
  matchRecord(matchId: string) {
    const match = this.#store.match(matchId);
    if (!match) return null;
    return { ...match, entries: this.#store.entries(matchId).map((e) => e.entry) };
  }

  #handleMessage(connection: Connection, message: string | Uint8Array): void {
    // Frames already queued when the room closed this socket are dropped, not answered.
    if (connection.readyState !== WebSocket.OPEN) return;
    if (this.#loadError) return this.refuseUnloaded(connection, "the room's match");
    const now = Date.now();
    let gate = this.#gates.get(connection.id);
    if (!gate) this.#gates.set(connection.id, (gate = new InputGate(now)));
    const bytes = typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    this.#core.noteActivity();
    this.telemetry.received(connection.id, bytes);
    // The echo of the room's own probe passes the rate gate: a dropped echo would end in 4408.
    if (message === PROBE) return this.proofOfReading(connection);
    const verdict = gate.admit(bytes, now);
    if (!verdict.ok) this.telemetry.refused(verdict.ok === false && "reply" in verdict ? "rate_limited" : verdict.close);
    if (!verdict.ok) {
      if ("reply" in verdict) return this.#sendError(connection, "rate_limited", "slow down");
      if (verdict.close === "too_large") {
        return this.close(connection, CloseCode.MESSAGE_TOO_LARGE, `message over ${GameLimits.MAX_INPUT_BYTES} bytes`);
      }
      return this.close(connection, CloseCode.RATE_LIMITED, `over ${GameLimits.MESSAGES_PER_SECOND} messages per second`);
    }
    const state = this.#states.get(connection);
    if (!state) return this.close(connection, CloseCode.UNAUTHENTICATED, "connection has no identity");
    if (typeof message !== "string") return this.#refuse(connection, gate, "bad_message", "game rooms speak JSON text frames");
    const decoded = decodeClientGameMessage(message);
    if (!decoded.ok) return this.#refuse(connection, gate, "bad_message", decoded.error);
    const msg = decoded.value;

    if (msg.type === "hello") return this.#handleHello(connection, state, msg.protocol, msg.resume);
    if (!state.isReady) return this.close(connection, CloseCode.BAD_MESSAGE, "say hello first");
    if (msg.type === "ping") return this.#send(connection, { type: "pong", t: msg.t });
    if (msg.type === "probe") return this.proofOfReading(connection);

    if (state.role !== "player") return this.#refuse(connection, gate, "spectator", "spectators cannot send inputs", msg.seq);
    const input = this.game.input.safeParse(msg.input);
    if (!input.success) return this.#refuse(connection, gate, "invalid_input", "input does not match the game's schema", msg.seq);
    // Applied and recorded at the next tick, with every other input since the last one: one
    // storage commit per tick, not one per input. The ack goes out in that tick's views.
    this.#inputs.push({ playerId: state.sub, seq: msg.seq, input: input.data });
    // After an idle end, an input is the act that starts the next match (R7), and the ticks with it.
    this.#match.wake(now);
    this.#ensureTicking();
  }

  /** Applies the inputs received since the last tick, in arrival order. */
  #applyInputs(): void {
    const inputs = this.#inputs;
    this.#inputs = [];
    for (const { playerId, seq, input } of inputs) this.#match.input(playerId, seq, input);
  }

  #handleHello(connection: Connection, state: GameConnectionState, protocol: number, resume?: string): void {
    if (state.isReady) return;
    const mismatch = versionMismatch(protocol);
    if (mismatch) return this.close(connection, CloseCode.VERSION_MISMATCH, mismatch);
    let seat: Seat | null = null;
    if (state.role === "player") {
      const claimed = this.#claimSeat(connection, state, resume);
      if (claimed === "full") return this.close(connection, CloseCode.ROOM_FULL, `room is full (${this.game.maxPlayers} players)`);
      if (claimed === "locked") return this.close(connection, CloseCode.FORBIDDEN, "room is locked: no new players");
      if (claimed === "taken") {
        return this.close(connection, CloseCode.ROOM_FULL, "you are seated from another connection; resume with its token");
      }
      seat = claimed;
    } else if (this.#readyConnections().filter((c) => c.state.role === "spectator").length >= GameLimits.MAX_SPECTATORS) {
      return this.close(connection, CloseCode.ROOM_FULL, `room has its ${GameLimits.MAX_SPECTATORS} spectators`);
    }
    this.#states.set(connection, { ...state, isReady: true });
    this.#occupancy.handshakeDone(connection.id);
    const view = this.#viewFor(state.role === "player" ? state.sub : null);
    const ack = this.#match.acks.get(state.sub) ?? 0;
    this.#send(connection, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      role: state.role,
      playerId: state.sub,
      seat: seat?.seat ?? null,
      resumeToken: seat?.resumeToken ?? null,
      tickRateHz: this.game.tickRateHz,
      matchId: this.#match.matchId,
      tick: this.#match.engine?.tick ?? 0,
      ack,
      view,
    });
    this.#views.sent(connection.id, this.#match.matchId, ack, view);
    this.#ensureTicking();
  }

  /** Gives the player their held seat back, or a free one, and brings them into the match. */
  #claimSeat(connection: Connection, state: GameConnectionState, resume?: string): Seat | "full" | "taken" | "locked" {
    const now = Date.now();
    this.#expireSeats(now);
    const older = this.#otherConnectionOf(state.sub, connection.id);
    const claim = this.#seats.claim(state, resume, older !== undefined, this.isLocked);
    if (claim.outcome !== "held" && claim.outcome !== "new") return claim.outcome;
    if (older) this.close(older, CloseCode.REPLACED, "this seat was taken by a newer connection");
    if (claim.outcome === "new") {
      if (this.#match.engine === null) this.#match.start([state.sub], now);
      else this.#match.join(state.sub);
      this.#match.wake(now);
      this.#reportSeats();
    }
    return claim.seat;
  }

  #expireSeats(now: number): void {
    const expired = this.#seats.expire(now);
    for (const playerId of expired) this.#match.leave(playerId);
    if (expired.length > 0) this.#reportSeats();
  }

  #tick(): void {
    try {
      const now = Date.now();
      const started = performance.now();
      if (!this.#hasConnectedPlayers()) return this.#stopTicking();
      // The match's end and its exports commit together, or not at all.
      const ended = this.ctx.storage.transactionSync(() => {
        this.#applyInputs();
        const end = this.#match.step(now);
        if (end) {
          enqueueMatchExports(this.outbox, this.game, this.#match.matchId!, end, now);
          const data = matchEndedData(this.#exports, this.#match.matchId!);
          this.#core.recordEvent("match.ended", `match.ended:${data.matchId}`, data, now, { isReserved: true });
        }
        return end;
      });
      if (ended) {
        this.#broadcast({ type: "match_over", matchId: this.#match.matchId!, result: ended.result, reason: ended.reason });
        void this.scheduleAlarm();
      }
      // A full outbox holds the next match back until cloud storage has caught up.
      if (this.#match.restartAt !== null && now >= this.#match.restartAt && !this.outbox.isFull()) {
        this.#match.start(this.#seats.all().map((s) => s.playerId), now);
      }
      this.#sendViews();
      // After an idle end nothing changes until a player acts (R7): the room may hibernate meanwhile.
      if (this.#match.isAwaitingActivity && this.#inputs.length === 0) return this.#stopTicking();
      // A tick that took longer than its interval delays the next: operators see these in metrics.
      if (performance.now() - started > 1000 / this.game.tickRateHz) this.telemetry.tickOverrun();
    } catch (error) {
      logEvent("tick_failed", { room: this.name, error });
    }
  }

  #sendViews(): void {
    const engine = this.#match.engine;
    const events = engine?.drainEvents() ?? [];
    const tick = engine?.tick ?? 0;
    const views = new Map<string | null, unknown>();
    const isShared = this.game.view.length < 2;
    this.#views.beginTick();
    for (const { connection, state } of this.#readyConnections()) {
      const key = state.role === "player" && !isShared ? state.sub : null;
      if (!views.has(key)) views.set(key, this.#viewFor(key));
      const frame = this.#views.next(connection.id, this.#match.matchId, tick, this.#match.acks.get(state.sub) ?? 0, views.get(key));
      if (frame) this.send(connection, frame);
      if (events.length > 0) this.#send(connection, { type: "events", tick, events });
    }
  }

  #viewFor(playerId: string | null): unknown {
    const engine = this.#match.engine;
    return engine ? this.game.view(engine.state, playerId) : null;
  }

  #ensureTicking(): void {
    if (this.#tickTimer !== null || !this.#hasConnectedPlayers()) return;
    this.#tickTimer = setInterval(() => this.#tick(), 1000 / this.game.tickRateHz);
  }

  #stopTicking(): void {
    if (this.#tickTimer === null) return;
    clearInterval(this.#tickTimer);
    this.#tickTimer = null;
    this.ctx.storage.transactionSync(() => this.#applyInputs());
    this.#match.checkpoint();
  }

  #hasConnectedPlayers(): boolean {
    return this.#readyConnections().some((c) => c.state.role === "player");
  }

  #readyConnections(): { connection: Connection; state: GameConnectionState }[] {
    const ready = [];
    for (const connection of this.openConnections()) {
      const state = this.#states.get(connection);
      if (state?.isReady) ready.push({ connection, state });
    }
    return ready;
  }

  #otherConnectionOf(sub: string, exceptId: string): Connection | undefined {
    return this.#readyConnections().find((c) => c.state.sub === sub && c.connection.id !== exceptId)?.connection;
  }

  #reportSeats(): void {
    const region = this.meta.get("location_hint") ?? "any";
    reportSeats(this.env, this.game.name, region, this.#roomId, this.#seats.all().map((seat) => seat.playerId), this.game.maxPlayers);
  }

  #refuse(connection: Connection, gate: InputGate, code: GameErrorCode, message: string, seq?: number): void {
    this.telemetry.refused(code);
    if (gate.strike()) return this.close(connection, CloseCode.BAD_MESSAGE, `too many refused messages (last: ${message})`);
    this.#sendError(connection, code, message, seq);
  }

  #sendError(connection: Connection, code: GameErrorCode, message: string, seq?: number): void {
    this.#send(connection, { type: "error", code, message, seq });
  }

  #send(connection: Connection, message: ServerGameMessage): void {
    this.send(connection, encodeGameMessage(message));
  }

  #broadcast(message: ServerGameMessage): void {
    const text = encodeGameMessage(message);
    for (const { connection } of this.#readyConnections()) this.send(connection, text);
  }
}

const PROBE = encodeGameMessage({ type: "probe" });
