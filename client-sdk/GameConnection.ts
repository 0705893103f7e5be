// protocol/clientWire.ts and the zod-free modules only: a page that uses the SDK does not ship zod.
import { decodeServerGameMessageLean as decodeServerGameMessage, encodeClientGameMessageLean as encodeGameMessage } from "../protocol/clientWire.ts";
import { applyPatch } from "../protocol/patch.ts";
import { decodeWireFrame, type WireKeys } from "../protocol/gameWire.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";
import type {
  AnyGame,
  ClientGameMessage,
  GameErrorCode,
  GameRole,
  InputOf,
  MatchEndReason,
  MatchResult,
  ViewOf,
} from "../protocol/index.ts";
import { Emitter } from "./emitter.ts";
import { whenStatus } from "./whenStatus.ts";
import { SocketSession, type CloseReason, type SessionContext } from "./socketSession.ts";

/**
 * - `connecting`: opening a socket;
 * - `joined`: welcomed by the room, with a seat (players) or a view (spectators);
 * - `offline`: the connection dropped; a reconnect, with the resume token, is scheduled;
 * - `closed`: destroyed, or stopped for good (see {@link GameConnection.closeReason}).
 */
export type GameStatus = "connecting" | "joined" | "offline" | "closed";

export interface StateInfo {
  tick: number;
  /** The last input seq the room applied for this player. */
  ack: number;
  matchId: string | null;
}

export type GameEvent =
  /** `reason`: `finished` by the game's rules, or `entry_limit` / `idle` by a room bound; absent from older servers. */
  | { type: "match_over"; matchId: string; result: MatchResult; reason?: MatchEndReason }
  | { type: "game"; tick: number; event: unknown }
  /** A message from the service's operators, to show the user. */
  | { type: "system"; message: string };

export type GameConnectionEvents<G extends AnyGame> = {
  status: [status: GameStatus];
  state: [view: ViewOf<G>, info: StateInfo];
  event: [event: GameEvent];
  error: [error: { code: GameErrorCode; message: string; seq?: number }];
  close: [reason: CloseReason];
};

/** Inputs kept for resending after a reconnect, at most; older ones are dropped. */
export const MAX_UNACKED_INPUTS = 64;
/** How often a joined connection measures its round trip, in ms. */
export const PING_INTERVAL_MS = 2_000;

/** Where a connection opened before its room was known (a quick join's) goes once the welcome names the room. */
export type RoomAddress = (roomId: string) => Pick<SessionContext, "socketUrl" | "getToken">;

/**
 * A seat (or a spectator's view) in one game room. Made by `client.game()`, `client.joinOrCreate()` or
 * `client.quickJoin()`.
 *
 * @example
 * ```ts
 * import type { arena } from "../games/arena.ts";
 * const game = client.game<typeof arena>("arena", roomId);
 * game.on("state", (view, { tick, ack }) => draw(view));
 * const seq = game.send({ type: "move", dx: 1, dy: 0 }); // typed from the game's input schema
 * ```
 */
export class GameConnection<G extends AnyGame = AnyGame> extends Emitter<GameConnectionEvents<G>> {
  readonly gameName: string;
  #roomId: string | null;
  readonly #roomAddress: RoomAddress | null;
  #status: GameStatus = "connecting";
  #closeReason: CloseReason | null = null;
  #view: ViewOf<G> | null = null;
  #info: StateInfo = { tick: 0, ack: 0, matchId: null };
  #seat: number | null = null;
  #role: GameRole | null = null;
  #playerId: string | null = null;
  #resumeToken: string | null = null;
  #nextSeq = 1;
  #unacked: { seq: number; input: InputOf<G> }[] = [];
  #rttMs: number | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #isDestroyed = false;
  /** The binary wire's key table (protocol/gameWire.ts), built from the frames of this socket. */
  #wireKeys: WireKeys = { names: [], steps: [] };
  readonly #session: SocketSession;

  /**
   * `roomId` null: the socket is a quick join's (WebSocket /v1/match/{gameName}/join), and `roomAddress`
   * says where its reconnects go once the welcome names the room.
   */
  constructor(context: SessionContext & { gameName: string; roomId: string | null; roomAddress?: RoomAddress }) {
    super();
    this.gameName = context.gameName;
    this.#roomId = context.roomId;
    this.#roomAddress = context.roomAddress ?? null;
    this.#session = new SocketSession(context, {
      onConnecting: () => this.#setStatus("connecting"),
      // Binary views when the room offers them (an older room answers JSON); the `view` objects are the same.
      onOpen: () => this.#sendMessage({ type: "hello", protocol: PROTOCOL_VERSION, resume: this.#resumeToken ?? undefined, wire: "binary2" }),
      onMessage: (data) => (typeof data === "string" ? this.#handleMessage(data) : this.#handleFrame(new Uint8Array(data))),
      // A token handover is not an outage: the connection says `connecting`, not `offline`.
      onOffline: (why) => this.#handleDrop(why === "token_expired" ? "connecting" : "offline"),
      onFatal: (reason) => {
        this.#closeReason = reason;
        this.#handleDrop("closed");
        this.emit("close", reason);
      },
    });
  }

  /** The room's id; for a quick join (`client.quickJoin`), known from its welcome on, and "" before it. */
  get roomId(): string {
    return this.#roomId ?? "";
  }
  get status(): GameStatus {
    return this.#status;
  }
  get closeReason(): CloseReason | null {
    return this.#closeReason;
  }
  /** The latest authoritative view, or null before the welcome. */
  get view(): ViewOf<G> | null {
    return this.#view;
  }
  get info(): StateInfo {
    return this.#info;
  }
  get seat(): number | null {
    return this.#seat;
  }
  get role(): GameRole | null {
    return this.#role;
  }
  get playerId(): string | null {
    return this.#playerId;
  }
  /** Round-trip time to the room from the last ping, in ms. */
  get rttMs(): number | null {
    return this.#rttMs;
  }

  /**
   * Sends an input and returns its seq. While offline the input waits (up to
   * MAX_UNACKED_INPUTS) and goes out after the resume; the room ignores any it already applied.
   */
  send(input: InputOf<G>): number {
    if (this.#status === "closed") throw new Error("game connection is closed");
    const seq = this.#nextSeq++;
    this.#unacked.push({ seq, input });
    if (this.#unacked.length > MAX_UNACKED_INPUTS) this.#unacked.shift();
    if (this.#status === "joined") this.#sendMessage({ type: "input", seq, input });
    return seq;
  }

  /** Resolves once the connection reaches `status` (or rejects if it closes first). */
  whenStatus(status: GameStatus): Promise<void> {
    return whenStatus<GameStatus>(this, status, "game");
  }

  /** Leaves the room and releases everything: the socket closes with 1000, and the room gives a player's seat back at once (a drop would hold it 20 s). Safe to call more than once. */
  destroy(): void {
    if (this.#isDestroyed) return;
    this.#isDestroyed = true;
    this.#session.stop();
    this.#handleDrop("closed");
    this.removeAllListeners();
  }

  #handleMessage(text: string): void {
    const decoded = decodeServerGameMessage(text);
    if (!decoded.ok) return; // A newer server may add messages; ignoring them keeps old clients working.
    const message = decoded.value;
    switch (message.type) {
      case "welcome":
        // A quick join's room, named here: the seat's reconnects go to that room, not to another match.
        if (this.#roomId === null && message.roomId && this.#roomAddress) {
          this.#roomId = message.roomId;
          this.#session.readdress(this.#roomAddress(message.roomId));
        }
        this.#wireKeys = { names: [], steps: [] };
        this.#role = message.role;
        this.#seat = message.seat;
        this.#playerId = message.playerId;
        this.#resumeToken = message.resumeToken ?? this.#resumeToken;
        this.#setView(message.view, { tick: message.tick, ack: message.ack, matchId: message.matchId });
        this.#session.resetBackoff();
        this.#setStatus("joined");
        this.#startPinging();
        // Inputs made while offline go out now; the room skips those it applied before the drop.
        for (const { seq, input } of this.#unacked) this.#sendMessage({ type: "input", seq, input });
        return;
      case "full":
        return this.#setView(message.view, { tick: message.tick, ack: message.ack, matchId: message.matchId });
      case "delta":
        if (this.#view === null) return;
        return this.#setView(applyPatch(this.#view, message.patch), { ...this.#info, tick: message.tick, ack: message.ack });
      case "events":
        for (const event of message.events) this.emit("event", { type: "game", tick: message.tick, event });
        return;
      case "match_over":
        return this.emit("event", { type: "match_over", matchId: message.matchId, result: message.result, reason: message.reason });
      case "error":
        return this.emit("error", { code: message.code, message: message.message, seq: message.seq });
      case "system":
        return this.emit("event", { type: "system", message: message.message });
      case "pong":
        this.#rttMs = Date.now() - message.t;
        return;
      case "probe":
        return this.#sendMessage({ type: "probe" });
    }
  }

  /** A binary view frame: a spectator's carries no ack, so the last one stays. */
  #handleFrame(bytes: Uint8Array): void {
    let frame;
    try {
      frame = decodeWireFrame(bytes, this.#view, this.#wireKeys);
    } catch {
      // Only a bug can break a frame on an ordered socket; the deltas after it fail too, until a FULL frame.
      this.#wireKeys = { names: [], steps: [] };
      return;
    }
    const matchId = frame.matchId === undefined ? this.#info.matchId : frame.matchId;
    this.#setView(frame.view, { tick: frame.tick, ack: frame.ack ?? this.#info.ack, matchId });
    // binary2: the tick's events ride in its frame, after the view, as the JSON `events` message came after it.
    for (const event of frame.events ?? []) this.emit("event", { type: "game", tick: frame.tick, event });
  }

  #setView(view: unknown, info: StateInfo): void {
    // The view comes from the room running this game's rules; its shape is the game's view type.
    this.#view = view as ViewOf<G>;
    this.#info = info;
    this.#unacked = this.#unacked.filter((i) => i.seq > info.ack);
    this.emit("state", this.#view, info);
  }

  #startPinging(): void {
    if (this.#pingTimer !== null) return;
    const ping = () => this.#sendMessage({ type: "ping", t: Date.now() });
    ping();
    this.#pingTimer = setInterval(ping, PING_INTERVAL_MS);
  }

  #handleDrop(status: "connecting" | "offline" | "closed"): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    this.#setStatus(status);
  }

  #sendMessage(message: ClientGameMessage): void {
    this.#session.send(encodeGameMessage(message));
  }

  #setStatus(status: GameStatus): void {
    if (this.#status === status || this.#status === "closed") return;
    this.#status = status;
    this.emit("status", status);
  }
}
