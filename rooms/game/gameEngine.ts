import type { GameStore, Seat } from "../../persistence/gameStore.ts";
import {
  CloseCode, GameLimits, PROTOCOL_VERSION, RoomLimits,
  decodeClientGameMessage,
  encodeGameMessage,
  versionMismatch,
  type AnyGame,
  GameRole,
  roomPath,
  type GameErrorCode, type ClientHello,
  type ServerGameMessage,
} from "../../protocol/index.ts";
import type { RoomPorts, RoomSocket } from "../engine/ports.ts";
import { logEvent } from "../log.ts";
import { Occupancy, type AdmissionPolicy } from "../occupancy.ts";
import { ConnectionStates, GameConnectionState } from "./connectionState.ts";
import type { RoomKind } from "../engine/roomCore.ts";
import { GameAdminViews } from "./gameAdminViews.ts";
import type { GameRoomCore, GameServices } from "./gameCore.ts";
import { gameRoomKind } from "./gameKind.ts";
import { PROBE } from "./gameProbe.ts";
import { GameTicker, type ReadyConnection } from "./gameTicker.ts";
import { HelloGroups } from "./helloGroups.ts";
import { InputGate, utf8Length } from "./inputGate.ts";
import { deliverMatchExport, type ExportTargets } from "./matchExports.ts";
import { MatchRunner } from "./matchRunner.ts";
import { ReadyPlayers } from "./readyPlayers.ts";
import { SeatBook } from "./seatBook.ts";
import { SeatKeeper } from "./seatKeeper.ts";
import { ViewSync } from "./viewSync.ts";
import { WelcomeGroup, welcomeFrame } from "./welcomes.ts";

/** What the engine is built from: the game, the room's ports, the shared core and the game's services. */
export interface GameEngineOptions {
  game: AnyGame;
  roomId: string;
  store: GameStore;
  ports: Pick<RoomPorts, "db" | "clock" | "random" | "scheduler"> & Partial<Pick<RoomPorts, "durability">>;
  /** Builds the shared room core around the game's kind: `(kind) => new RoomCore(ports, services, kind)`. */
  core: (kind: RoomKind) => GameRoomCore;
  services: GameServices;
  /** The per-sub connection cap this deployment configured (rooms/admission.ts). */
  maxConnectionsPerSub: number;
}

/**
 * An authoritative game room, with no runtime in it: admission's outcome, hello and welcome,
 * seats kept across reconnects, the input gate, the tick loop (gameTicker.ts), the alarm's work
 * and what the admin API reads. Time, randomness and timers come through ports; the shared room
 * work (read-proof sends, outbox, events, directory) through the core; D1, R2 and the matchmaker
 * through services. A Durable Object (GameRoom.ts) and the Node adapter each wrap one.
 */
export class GameEngine {
  readonly game: AnyGame;
  /** The room's id, which its welcomes name. */
  readonly #roomId: string;
  /** `game/{game}/{roomId}`, as tokens and logs name the room. */
  readonly roomPath: string;
  readonly #core: GameRoomCore;
  readonly #clock: RoomPorts["clock"];
  readonly #seats: SeatBook;
  readonly #seating: SeatKeeper;
  readonly #match!: MatchRunner;
  /**
   * Set when the stored match could not be read at start. The room then serves no one and
   * writes nothing (its clients are closed with 4500 instead of waiting on a room that cannot
   * answer); the next instance tries again (see refuseUnloaded).
   */
  #loadError: unknown = null;
  readonly #exports: ExportTargets;
  readonly #views = new ViewSync();
  readonly #ticker: GameTicker;
  readonly #gates = new Map<string, InputGate>();
  /** Hellos answered in groups under workerd's output gate, one commit for those that came together (helloGroups.ts). */
  readonly #hellos: HelloGroups;
  /** A group's welcomes, sent once all its hellos are seated, with one view between them (welcomes.ts). */
  readonly #welcomes = new WelcomeGroup();
  readonly #states = new ConnectionStates();
  /** Welcomed connections by sub: a hello finds the player's other one without walking the room (readyPlayers.ts). */
  readonly #readyPlayers = new ReadyPlayers(() => this.#readyConnections());
  readonly #occupancy = new Occupancy<RoomSocket>((socket) => {
    const state = GameConnectionState.safeParse(socket.attachment);
    if (!state.success) return null;
    return { sub: state.data.sub, role: state.data.role, waitingSince: state.data.isReady ? null : state.data.connectedAt };
  });
  /**
   * Sockets waiting for hello are capped at the room's seats plus its spectator places: a whole
   * room reconnecting at once fits, and no more. Spectators may take only the spectator share,
   * so the last maxPlayers waiting slots are kept for players.
   */
  readonly #admission: AdmissionPolicy;
  readonly admin: GameAdminViews;

  constructor(options: GameEngineOptions) {
    const { game, store, ports, services } = options;
    this.game = game;
    this.#roomId = options.roomId;
    this.roomPath = roomPath("game", `${game.name}/${options.roomId}`);
    const core = (this.#core = options.core(gameRoomKind(this, options.roomId)));
    this.#clock = ports.clock;
    try {
      this.#match = new MatchRunner(game, store, ports.random);
    } catch (error) {
      this.#loadError = error;
      logEvent("load_failed", { room: this.roomPath, error });
    }
    this.#seats = new SeatBook(store, game.maxPlayers, ports.random);
    this.#seating = new SeatKeeper({ seats: this.#seats, match: this.#match, core, services, maxPlayers: game.maxPlayers });
    this.#admission = {
      maxPerSub: options.maxConnectionsPerSub,
      counts: "waiting",
      capacity: game.maxPlayers + GameLimits.MAX_SPECTATORS,
      capacityName: "connections waiting for hello",
      reservedSlots: game.maxPlayers,
      priorityRole: "player",
    };
    this.#exports = { game, roomId: options.roomId, store, leaderboards: services.leaderboards, replays: services.replays, boardChanged: services.boardChanged };
    this.#ticker = new GameTicker({
      game, roomPath: this.roomPath, ports, core, match: this.#match, seats: this.#seats, views: this.#views, exports: this.#exports,
      readyConnections: () => this.#readyConnections(),
    });
    this.admin = new GameAdminViews({ game, store, seats: this.#seats, match: this.#match, ticker: this.#ticker });
    this.#hellos = new HelloGroups(ports.durability, this.roomPath, core, (socket, hello) => this.#handleHello(socket, hello), (run) => ports.scheduler.afterTurn(run), (answer, onError) => this.#welcomes.around(() => this.#match.hold(answer), onError));
  }

  get isTicking(): boolean { return this.#ticker.isTicking; }

  /** At start or after a wake: refuses everyone if the match did not load, else resumes ticking for connected players. */
  start(): void {
    if (this.#loadError) {
      for (const socket of this.#core.openSockets()) this.#core.refuseUnloaded(socket, "the room's match");
      return;
    }
    this.#ticker.ensureTicking();
  }

  /** A new socket: admitted (or closed by the core's admission), it waits for hello. */
  async handleConnect(socket: RoomSocket, request: Request): Promise<void> {
    if (this.#loadError) return this.#core.refuseUnloaded(socket, "the room's match");
    const others = () => this.#occupancy.others(this.#core.openSockets(), socket.id);
    const state = await this.#core.admit(socket, request, { roles: GameRole, others, policy: this.#admission, store: (identity, role) => {
      const admitted: GameConnectionState = { sub: identity.sub, name: identity.name, role, isReady: false, connectedAt: this.#clock.now(), tokenExpiresAt: identity.exp * 1000 };
      this.#states.set(socket, admitted);
      this.#occupancy.admitted(socket.id, { sub: admitted.sub, role, waitingSince: admitted.connectedAt });
      return admitted;
    } });
    if (!state) return;
    this.#core.watchTokenExpiry(socket, state.tokenExpiresAt);
    // What this join adds to the alarm; one set no later (a storm's first join's) is left alone.
    this.#core.noteDirectoryChange(Math.min(state.connectedAt + RoomLimits.HANDSHAKE_TIMEOUT_MS, state.tokenExpiresAt));
  }

  /** A socket closed; `code` is its client's close code, which decides whether a player's seat is held (SeatKeeper.closed). */
  async handleClose(socket: RoomSocket, code?: number): Promise<void> {
    this.#hellos.forget(socket.id);
    this.#gates.delete(socket.id);
    this.#states.forget(socket.id);
    this.#readyPlayers.forget(socket.id);
    this.#occupancy.forget(socket.id);
    this.#ticker.forget(socket.id);
    if (this.#loadError) return;
    const state = GameConnectionState.safeParse(socket.attachment);
    // What happens to a player's seat, or reservation, is SeatKeeper's; a held seat's end is what this
    // leave adds to the alarm (no timer runs for it, not even in an empty room).
    const player = state.success && state.data.role === "player" ? state.data : null;
    const holdEndsAt = player ? this.#seating.closed(player, !this.#readyPlayers.otherOf(player.sub, socket.id), code, this.#clock.now()) : null;
    if (player?.isReady && !this.#ticker.hasConnectedPlayers()) this.#ticker.stopTicking();
    this.#core.noteDirectoryChange(holdEndsAt);
  }

  /** Handles one frame. What it throws, the core turns into a logged 4500 close. */
  handleMessage(socket: RoomSocket, message: string | ArrayBuffer | ArrayBufferView): void {
    // Frames already queued when the room closed this socket are dropped, not answered.
    if (!socket.isOpen) return;
    if (this.#loadError) return this.#core.refuseUnloaded(socket, "the room's match");
    const core = this.#core;
    const now = this.#clock.now();
    let gate = this.#gates.get(socket.id);
    if (!gate) this.#gates.set(socket.id, (gate = new InputGate(now)));
    const bytes = typeof message === "string" ? utf8Length(message) : message.byteLength;
    core.noteActivity();
    core.telemetry.received(socket.id, bytes);
    // The echo of the room's own probe passes the rate gate: a dropped echo would end in 4408.
    if (message === PROBE) return core.proofOfReading(socket);
    const verdict = gate.admit(bytes, now);
    if (!verdict.ok) {
      core.telemetry.refused("reply" in verdict ? "rate_limited" : verdict.close);
      if ("reply" in verdict) return this.#sendError(socket, "rate_limited", "slow down");
      if (verdict.close === "too_large") return core.closeSocket(socket, CloseCode.MESSAGE_TOO_LARGE, `message over ${GameLimits.MAX_INPUT_BYTES} bytes`);
      return core.closeSocket(socket, CloseCode.RATE_LIMITED, `over ${GameLimits.MESSAGES_PER_SECOND} messages per second`);
    }
    this.#hellos.answerBefore(socket.id);
    const state = this.#states.get(socket);
    if (!state) return core.closeSocket(socket, CloseCode.UNAUTHENTICATED, "connection has no identity");
    if (typeof message !== "string") return this.#refuse(socket, gate, "bad_message", "game rooms speak JSON text frames");
    const decoded = decodeClientGameMessage(message);
    if (!decoded.ok) return this.#refuse(socket, gate, "bad_message", decoded.error);
    const msg = decoded.value;
    if (msg.type === "hello") return this.#hellos.push(socket, msg);
    if (!state.isReady) return core.closeSocket(socket, CloseCode.BAD_MESSAGE, "say hello first");
    if (msg.type === "ping") return this.#send(socket, { type: "pong", t: msg.t });
    if (msg.type === "probe") return core.proofOfReading(socket);

    if (state.role !== "player") return this.#refuse(socket, gate, "spectator", "spectators cannot send inputs", msg.seq);
    // The game's hand-written check first, if it has one; its schema decides the rest and words the refusal.
    const parsed = this.game.isInput?.(msg.input) ? { success: true as const, data: msg.input } : this.game.input.safeParse(msg.input);
    if (!parsed.success) return this.#refuse(socket, gate, "invalid_input", "input does not match the game's schema", msg.seq);
    // Applied and recorded at the next tick, with every other input since the last one; the ack goes out in that tick's views.
    this.#ticker.queue(state.sub, msg.seq, parsed.data);
    // After an idle end, an input is the act that starts the next match (R7), and the ticks with it.
    this.#match.wake(now);
    this.#ticker.ensureTicking();
  }

  /** The alarm's game work: held seats past their hold, and sockets past the handshake deadline (4408). */
  alarmWork(now: number): void {
    if (this.#loadError) return;
    this.#seating.expireByAlarm(now);
    for (const socket of this.#occupancy.overdue(this.#core.openSockets(), now)) {
      this.#core.closeSocket(socket, CloseCode.HANDSHAKE_TIMEOUT, `no hello within ${RoomLimits.HANDSHAKE_TIMEOUT_MS / 1000} s`);
    }
  }

  /** When the alarm next has game work, or null. */
  nextAlarmWork(): number | null {
    const times = [this.#seats.nextExpiry(), this.#occupancy.nextDeadline(this.#core.openSockets())].filter((t) => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** Delivers a leaderboard or replay outbox entry (the alarm's flush calls this). */
  deliver(entry: Parameters<typeof deliverMatchExport>[0]): Promise<void> {
    return deliverMatchExport(entry, this.#exports, this.#clock.now());
  }

  /** The socket's state from its attachment, or null for one never admitted. */
  stateOf(socket: RoomSocket): GameConnectionState | null {
    return GameConnectionState.safeParse(socket.attachment).data ?? null;
  }

  /** The cached state, for the core's token-expiry watch. */
  tokenExpiryOf(socket: RoomSocket): number | null {
    return this.#states.get(socket)?.tokenExpiresAt ?? null;
  }

  #handleHello(socket: RoomSocket, { protocol, resume, wire }: ClientHello): void {
    const state = this.#states.get(socket);
    if (!state || state.isReady) return;
    const core = this.#core;
    const mismatch = versionMismatch(protocol);
    if (mismatch) return core.closeSocket(socket, CloseCode.VERSION_MISMATCH, mismatch);
    let seat: Seat | null = null;
    if (state.role === "player") {
      const claimed = this.#seating.claim(state, resume, this.#readyPlayers.otherOf(state.sub, socket.id), this.#clock.now());
      if (claimed === "full") return core.closeSocket(socket, CloseCode.ROOM_FULL, `room is full (${this.game.maxPlayers} players)`);
      if (claimed === "locked") return core.closeSocket(socket, CloseCode.FORBIDDEN, "room is locked: no new players");
      if (claimed === "taken") return core.closeSocket(socket, CloseCode.ROOM_FULL, "you are seated from another connection; resume with its token");
      seat = claimed;
    } else if (this.#readyConnections().filter((c) => c.state.role === "spectator").length >= GameLimits.MAX_SPECTATORS) {
      return core.closeSocket(socket, CloseCode.ROOM_FULL, `room has its ${GameLimits.MAX_SPECTATORS} spectators`);
    }
    // Binary frames (protocol/gameWire.ts) for those who ask; JSON stays the default, readable when debugging.
    this.#states.set(socket, { ...state, isReady: true, wire: wire === "binary" || wire === "binary2" ? wire : "json" });
    this.#occupancy.handshakeDone(socket.id);
    this.#readyPlayers.ready(state.sub, socket);
    const key = state.role === "player" && this.game.view.length >= 2 ? state.sub : null; // as the tick shares views
    const welcomedWire = this.#states.get(socket)!.wire ?? "json";
    this.#welcomes.later(socket, () => {
      const { view, json } = this.#welcomes.view(key, () => this.#ticker.viewFor(key));
      const ack = this.#match.acks.get(state.sub) ?? 0;
      const { matchId } = this.#match;
      const fields = { type: "welcome", protocol: PROTOCOL_VERSION, role: state.role, playerId: state.sub, seat: seat?.seat ?? null, resumeToken: seat?.resumeToken ?? null } as const;
      this.#core.send(socket, welcomeFrame({ ...fields, tickRateHz: this.game.tickRateHz, wire: welcomedWire, roomId: this.#roomId, matchId, tick: this.#match.engine?.tick ?? 0, ack }, json));
      if (welcomedWire === "json") this.#views.sent(socket.id, matchId, ack, view); // binary baselines: WireSync's
    });
    this.#ticker.ensureTicking();
  }

  #readyConnections(): ReadyConnection[] {
    const ready = [];
    for (const socket of this.#core.openSockets()) {
      const state = this.#states.get(socket);
      if (state?.isReady) ready.push({ socket, state });
    }
    return ready;
  }

  #refuse(socket: RoomSocket, gate: InputGate, code: GameErrorCode, message: string, seq?: number): void {
    this.#core.telemetry.refused(code);
    if (gate.strike()) return this.#core.closeSocket(socket, CloseCode.BAD_MESSAGE, `too many refused messages (last: ${message})`);
    this.#sendError(socket, code, message, seq);
  }

  #sendError(socket: RoomSocket, code: GameErrorCode, message: string, seq?: number): void {
    this.#send(socket, { type: "error", code, message, seq });
  }

  #send(socket: RoomSocket, message: ServerGameMessage): void {
    this.#core.send(socket, encodeGameMessage(message));
  }
}
