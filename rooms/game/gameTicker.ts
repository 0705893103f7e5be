import { encodeGameMessage, type AnyGame, type ServerGameMessage } from "../../protocol/index.ts";
import type { RoomPorts, RoomSocket } from "../engine/ports.ts";
import type { GameConnectionState } from "./connectionState.ts";
import type { GameRoomCore } from "./gameCore.ts";
import { encodeFrameEvents } from "../../protocol/gameWireEncode.ts";
import { enqueueMatchExports, matchEndedData, type ExportTargets } from "./matchExports.ts";
import type { MatchRunner } from "./matchRunner.ts";
import type { SeatBook } from "./seatBook.ts";
import type { ViewSync } from "./viewSync.ts";
import { WireSync } from "./wireSync.ts";
import { TickLoop } from "./tickLoop.ts";
import { logEvent } from "../log.ts";

/** A connection that said hello, with its state. */
export interface ReadyConnection {
  socket: RoomSocket;
  state: GameConnectionState;
}

/** What the tick loop reads of the engine around it. */
export interface TickerParts {
  game: AnyGame;
  roomPath: string;
  ports: Pick<RoomPorts, "db" | "clock" | "scheduler">;
  core: GameRoomCore;
  match: MatchRunner;
  seats: SeatBook;
  views: ViewSync;
  exports: ExportTargets;
  readyConnections(): ReadyConnection[];
}

/**
 * The room's tick loop: it runs at the game's tick rate (tickLoop.ts, on the scheduler port), only while a
 * player is connected, applying the inputs received since the last tick in one transaction with
 * the match's step (and, at a match's end, its exports), then sending each connection its view.
 */
export class GameTicker {
  readonly #parts: TickerParts;
  /** Inputs since the last tick. Bounded by the input gate: each connection's rate, times the seats. */
  #inputs: { playerId: string; seq: number; input: unknown }[] = [];
  /** The 20 Hz (tickRateHz) schedule, on deadlines (tickLoop.ts). */
  readonly #loop: TickLoop;
  /** The binary connections' views (protocol/gameWire.ts); `views` keeps the JSON ones'. */
  readonly #wire: WireSync;

  constructor(parts: TickerParts) {
    this.#parts = parts;
    this.#wire = new WireSync(parts.game.precision);
    this.#loop = new TickLoop({
      clock: parts.ports.clock,
      scheduler: parts.ports.scheduler,
      intervalMs: 1000 / parts.game.tickRateHz,
      tick: () => this.tick(),
      // Dropped ticks are overruns too: the room could not keep its rate.
      onDropped: (ticks) => { for (let i = 0; i < ticks; i++) parts.core.telemetry.tickOverrun(); },
    });
  }

  /** A connection closed: its baselines go. */
  forget(connectionId: string): void {
    this.#parts.views.forget(connectionId);
    this.#wire.forget(connectionId);
  }

  get isTicking(): boolean {
    return this.#loop.isRunning;
  }

  /** Queues an input for the next tick: one storage commit per tick, not one per input. */
  queue(playerId: string, seq: number, input: unknown): void {
    this.#inputs.push({ playerId, seq, input });
  }

  ensureTicking(): void {
    if (this.#loop.isRunning || !this.hasConnectedPlayers()) return;
    this.#loop.start();
  }

  stopTicking(): void {
    if (!this.#loop.isRunning) return;
    this.#loop.stop();
    this.#parts.ports.db.transactionSync(() => this.#applyInputs());
    this.#parts.match.checkpoint();
  }

  hasConnectedPlayers(): boolean {
    return this.#parts.readyConnections().some((c) => c.state.role === "player");
  }

  /** One tick; what the loop runs every 1000 / tickRateHz ms. */
  tick(): void {
    const { game, ports, core, match, seats, exports } = this.#parts;
    try {
      const now = ports.clock.now();
      const started = ports.clock.elapsedMs();
      // Read once per tick: every socket's open state is a call into the runtime.
      const ready = this.#parts.readyConnections();
      if (!ready.some((c) => c.state.role === "player")) return this.stopTicking();
      // The match's end and its exports commit together, or not at all.
      const ended = ports.db.transactionSync(() => {
        this.#applyInputs();
        const end = match.step(now);
        if (end) {
          enqueueMatchExports(core.outbox, game, match.matchId!, end, now);
          const data = matchEndedData(exports, match.matchId!);
          core.recordEvent("match.ended", `match.ended:${data.matchId}`, data, now, { isReserved: true });
        }
        return end;
      });
      if (ended) {
        this.#broadcast({ type: "match_over", matchId: match.matchId!, result: ended.result, reason: ended.reason });
        void core.scheduleAlarm();
      }
      // A full outbox holds the next match back until cloud storage has caught up.
      if (match.restartAt !== null && now >= match.restartAt && !core.outbox.isFull()) {
        match.start(seats.all().map((s) => s.playerId), now);
      }
      this.#sendViews(ready);
      // After an idle end nothing changes until a player acts (R7): the room may hibernate meanwhile.
      if (match.isAwaitingActivity && this.#inputs.length === 0) return this.stopTicking();
      // A tick that took longer than its interval delays the next (the loop catches up): operators see these in metrics.
      if (ports.clock.elapsedMs() - started > 1000 / game.tickRateHz) core.telemetry.tickOverrun();
    } catch (error) {
      logEvent("tick_failed", { room: this.#parts.roomPath, error });
    }
  }

  /** The view a player (or, with null, a spectator) sees now. */
  viewFor(playerId: string | null): unknown {
    const engine = this.#parts.match.engine;
    return engine ? this.#parts.game.view(engine.state, playerId) : null;
  }

  /** Applies the inputs received since the last tick, in arrival order, logged in one write. */
  #applyInputs(): void {
    const inputs = this.#inputs;
    this.#inputs = [];
    if (inputs.length > 0) this.#parts.match.inputs(inputs);
  }

  #sendViews(ready: ReadyConnection[]): void {
    const { game, core, match, views: sync } = this.#parts;
    const engine = match.engine;
    const events = engine?.drainEvents() ?? [];
    const tick = engine?.tick ?? 0;
    const views = new Map<string | null, unknown>();
    const isShared = game.view.length < 2;
    sync.beginTick();
    this.#wire.beginTick(tick, match.matchId);
    // One encoding of the events for everyone, like the views: a JSON message, or (binary2) bytes inside the frame.
    const eventsText = events.length > 0 ? encodeGameMessage({ type: "events", tick, events }) : null;
    const eventsBytes = events.length > 0 ? encodeFrameEvents(events) : null;
    for (const { socket, state } of ready) {
      const key = state.role === "player" && !isShared ? state.sub : null;
      if (!views.has(key)) views.set(key, this.viewFor(key));
      const ack = match.acks.get(state.sub) ?? 0;
      const isBinary2 = state.wire === "binary2";
      const frame = isBinary2 || state.wire === "binary"
        ? this.#wire.next(socket.id, key, state.role === "player" ? ack : null, views.get(key), isBinary2 ? eventsBytes : null)
        : sync.next(socket.id, match.matchId, tick, ack, views.get(key));
      if (frame) core.send(socket, frame);
      if (eventsText && !isBinary2) core.send(socket, eventsText);
    }
  }

  #broadcast(message: ServerGameMessage): void {
    const text = encodeGameMessage(message);
    for (const { socket } of this.#parts.readyConnections()) this.#parts.core.send(socket, text);
  }
}
