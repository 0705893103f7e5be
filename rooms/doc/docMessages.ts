import type { SqliteDocStore } from "../../persistence/sqliteDocStore.ts";
import { CloseCode, DocLimits, PROTOCOL_VERSION, decodeClientControl, encodeServerControl, versionMismatch, type ServerControl } from "../../protocol/index.ts";
import type { RoomSocket } from "../engine/ports.ts";
import type { RoomCore } from "../engine/roomCore.ts";
import { logEvent } from "../log.ts";
import type { Occupancy } from "../occupancy.ts";
import { AwarenessOwners, AwarenessRelay } from "./awarenessRelay.ts";
import { docStateOf, keepDocState, setDocState, type DocConnectionState } from "./connectionState.ts";
import type { DocWrites } from "./docWrites.ts";
import { FrameError, decodeFrame, encodeAwareness, encodeAwarenessFrames, isEmptyUpdate, type ReceivedAwarenessEntry } from "./frames.ts";
import type { SyncFrames } from "./syncFrames.ts";
import { TokenBucket } from "./tokenBucket.ts";

/** y-partyserver marks its custom messages, text frames, with this prefix. */
const CUSTOM_MESSAGE_PREFIX = "__YPS:";

/**
 * How long, in ms, an SDK connection's update count may live in memory only before the room writes
 * it to the socket's attachment (where it survives hibernation, so `saved` keeps naming the client's
 * own seqs after a wake). Written on every update, the attachment cost about a tenth of the room's
 * time at 500 updates a second (`npm run bench:profile -- typing`); now it is at most one write a
 * second per connection. The pending write's timer keeps the room loaded (Scheduler.later), so the
 * room cannot hibernate with a count not yet written.
 */
export const UPDATE_COUNT_WRITE_MS = 1_000;

/** What the message path uses of its document room. */
export interface DocMessageRoom {
  core: RoomCore;
  sync: SyncFrames;
  store: SqliteDocStore;
  writes: DocWrites;
  occupancy: Occupancy<RoomSocket>;
  name: string;
}

/**
 * A document room's frames, in order: size, rate and identity bounds, then y-partyserver custom
 * messages, JSON control (hello), and y-protocols sync, update and awareness frames. Presence is
 * relayed here, with the name from the token, without y-protocols' Awareness interval timer.
 */
export class DocMessages {
  readonly presence = new AwarenessRelay();
  /** Rate buckets are in memory on purpose: a room that hibernated was not being flooded. */
  readonly #buckets = new Map<string, TokenBucket>();
  /** Who speaks for each awareness client id; null until first needed after a start or wake. */
  #owners: AwarenessOwners | null = null;
  /** SDK connections whose update count is newer in memory than in their attachment; while any, their write is scheduled (UPDATE_COUNT_WRITE_MS). */
  readonly #unwrittenCounts = new Set<RoomSocket>();

  constructor(private readonly room: DocMessageRoom) {}

  handle(socket: RoomSocket, message: string | Uint8Array): void {
    const { core } = this.room;
    core.noteActivity();
    const bytes = typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    if (bytes > DocLimits.MAX_MESSAGE_BYTES) {
      core.telemetry.refused("too_large");
      return core.closeSocket(socket, CloseCode.MESSAGE_TOO_LARGE, `frame of ${bytes} bytes is over ${DocLimits.MAX_MESSAGE_BYTES}`);
    }
    core.telemetry.received(socket.id, bytes);
    const current = docStateOf(socket);
    if (!current) return core.closeSocket(socket, CloseCode.UNAUTHENTICATED, "connection has no identity");
    const bucket = this.#bucketFor(socket, current.role);
    if (!bucket.take(core.ports.clock.now())) {
      core.telemetry.refused("rate_limited");
      return core.closeSocket(socket, CloseCode.RATE_LIMITED, `over ${bucket.ratePerSecond} messages per second`);
    }
    if (typeof message === "string" && message.startsWith(CUSTOM_MESSAGE_PREFIX)) return this.#relayCustomMessage(socket, message);
    if (typeof message === "string") return this.#handleControl(socket, current, message);

    let frame;
    try {
      frame = decodeFrame(message);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      return core.closeSocket(socket, CloseCode.BAD_MESSAGE, error.message);
    }
    const state = current.isReady ? current : this.#handshakeDone(socket, current);
    switch (frame.type) {
      case "sync_step1":
        return core.sendAnswer(socket, this.room.sync.step2(frame.stateVector));
      case "update":
        if (frame.isSyncReply) core.proofOfReading(socket);
        return this.#handleUpdate(socket, state, frame.update);
      case "awareness":
        return this.#handleAwareness(socket, state, frame.entries);
      case "query_awareness":
        for (const frame of this.presence.frames()) core.send(socket, frame);
        return;
    }
  }

  /** A socket closed: its presence leaves, and the others hear so. */
  closed(socket: RoomSocket): void {
    this.#buckets.delete(socket.id);
    this.#unwrittenCounts.delete(socket);
    const state = docStateOf(socket);
    if (!state) return;
    this.#owners?.release(socket.id, Object.keys(state.awareness).map(Number));
    const clocks = new Map(Object.entries(state.awareness).map(([id, clock]) => [Number(id), clock]));
    const removals = this.presence.removalsFor(clocks);
    if (removals.length > 0) this.room.core.sendToAll(encodeAwareness(removals), socket.id);
  }

  sendControl(socket: RoomSocket, message: ServerControl): void {
    this.room.core.send(socket, encodeServerControl(message));
  }

  /**
   * y-partyserver's custom messages (`provider.sendMessage`) go, as sent, to the room's other
   * connections that came through /parties/: YProvider reads them and ignores other text. SDK
   * and stock y-websocket clients never get them (y-websocket reads every frame as binary), and
   * the sender gets no echo, as with y-partyserver's own broadcast. They passed the size and
   * rate bounds above like any frame; the room neither reads nor stores them, and any role may
   * send them (they change no document, as presence does not).
   */
  #relayCustomMessage(sender: RoomSocket, message: string): void {
    for (const socket of this.room.core.openSockets()) {
      if (socket.id === sender.id) continue;
      if (docStateOf(socket)?.isParty) this.room.core.send(socket, message);
    }
  }

  #handleControl(socket: RoomSocket, state: DocConnectionState, text: string): void {
    const decoded = decodeClientControl(text);
    if (!decoded.ok) return this.room.core.closeSocket(socket, CloseCode.BAD_MESSAGE, `bad control message: ${decoded.error}`);
    const mismatch = versionMismatch(decoded.value.protocol);
    if (mismatch) return this.room.core.closeSocket(socket, CloseCode.VERSION_MISMATCH, mismatch);
    this.#handshakeDone(socket, { ...state, isSdk: true });
    this.sendControl(socket, { type: "welcome", protocol: PROTOCOL_VERSION, connectionId: socket.id, role: state.role });
  }

  /** Stores that the socket completed its handshake (its first valid frame); returns its new state. */
  #handshakeDone(socket: RoomSocket, state: DocConnectionState): DocConnectionState {
    const ready = { ...state, isReady: true };
    setDocState(socket, ready);
    this.room.occupancy.handshakeDone(socket.id);
    return ready;
  }

  #handleUpdate(socket: RoomSocket, state: DocConnectionState, update: Uint8Array): void {
    const { core, store, writes } = this.room;
    const seq = state.updateSeq + 1;
    // Only an SDK connection hears of its seq (`saved`, `refused`); it says hello before any update.
    // A stock client's count is not kept: a write to the socket's attachment on every frame, for nothing.
    if (state.isSdk) this.#countUpdate(socket, { ...state, updateSeq: seq });
    // A stock client's answer to the room's step 1 when it has nothing the room lacks: nothing to
    // apply, relay, write or acknowledge, so no document transaction either (one per join in a storm).
    if (!state.isSdk && isEmptyUpdateBytes(update)) return;
    const refusal = state.role === "viewer" ? "read_only" : core.isLocked ? "locked" : null;
    if (refusal && !isEmptyUpdate(update)) {
      logEvent("write_refused", { room: this.room.name, connection: socket.id, sub: state.sub, reason: refusal });
      core.telemetry.refused(refusal);
      if (state.isSdk) this.sendControl(socket, { type: "refused", seq, reason: refusal });
      return;
    }
    const stats = store.stats();
    if (stats.snapshotBytes + stats.logBytes + writes.pendingBytes + update.byteLength > DocLimits.MAX_DOCUMENT_BYTES) {
      return core.closeSocket(socket, CloseCode.DOCUMENT_TOO_LARGE, `document would grow past ${DocLimits.MAX_DOCUMENT_BYTES} bytes`);
    }
    if (!writes.apply(socket, update, state.isSdk ? seq : null)) {
      core.closeSocket(socket, CloseCode.BAD_MESSAGE, "the update could not be applied to the document");
    }
  }

  #handleAwareness(socket: RoomSocket, state: DocConnectionState, incoming: ReceivedAwarenessEntry[]): void {
    const { core } = this.room;
    const tooLarge = incoming.find((entry) => entry.stateBytes > DocLimits.MAX_PRESENCE_STATE_BYTES);
    if (tooLarge) {
      core.telemetry.refused("too_large");
      return core.closeSocket(socket, CloseCode.MESSAGE_TOO_LARGE, `presence state of ${tooLarge.stateBytes} bytes is over ${DocLimits.MAX_PRESENCE_STATE_BYTES}`);
    }
    const entries = this.#awarenessOwners().admit({ connectionId: socket.id, sub: state.sub }, incoming, (id) => core.openSockets().some((s) => s.id === id));
    if (entries.length < incoming.length) {
      core.telemetry.refused("awareness_not_own");
      logEvent("awareness_refused", { room: this.room.name, connection: socket.id, sub: state.sub, clients: incoming.length - entries.length });
    }
    const clocks = { ...state.awareness };
    for (const entry of entries) {
      if (entry.stateJson === "null") delete clocks[entry.clientId];
      else clocks[entry.clientId] = entry.clock;
    }
    if (Object.keys(clocks).length > DocLimits.MAX_AWARENESS_CLIENTS_PER_CONNECTION) {
      return core.closeSocket(socket, CloseCode.BAD_MESSAGE, `one connection may speak for at most ${DocLimits.MAX_AWARENESS_CLIENTS_PER_CONNECTION} awareness clients`);
    }
    setDocState(socket, { ...state, awareness: clocks });
    // The name peers show comes from the token, never from the state the client wrote.
    const { accepted, overRoomBound } = this.presence.apply(entries, { id: state.sub, name: state.name ?? state.sub });
    if (overRoomBound > 0) {
      core.telemetry.refused("presence_full");
      logEvent("awareness_over_room_bound", { room: this.room.name, connection: socket.id, sub: state.sub, clients: overRoomBound });
    }
    if (accepted.length === 0) return;
    for (const frame of encodeAwarenessFrames(accepted, DocLimits.MAX_PRESENCE_FRAME_BYTES)) core.sendToAll(frame, socket.id);
  }

  /** Keeps an SDK connection's new update count in memory, and has it written within UPDATE_COUNT_WRITE_MS. */
  #countUpdate(socket: RoomSocket, state: DocConnectionState): void {
    keepDocState(socket, state);
    // A socket closed since the last write may have emptied the set with a write still scheduled: one write more, early.
    if (this.#unwrittenCounts.size === 0) this.room.core.ports.scheduler.later(UPDATE_COUNT_WRITE_MS, () => this.#writeCounts());
    this.#unwrittenCounts.add(socket);
  }

  /** Writes the update counts kept in memory to their sockets' attachments. */
  #writeCounts(): void {
    const sockets = [...this.#unwrittenCounts];
    this.#unwrittenCounts.clear();
    for (const socket of sockets) {
      const state = docStateOf(socket);
      // A socket that closed meanwhile needs no count: its close event drops it.
      if (!state || !socket.isOpen) continue;
      try {
        setDocState(socket, state);
      } catch (error) {
        logEvent("update_count_write_failed", { room: this.room.name, connection: socket.id, error });
      }
    }
  }

  #awarenessOwners(): AwarenessOwners {
    this.#owners ??= new AwarenessOwners(
      this.room.core.openSockets().flatMap((socket) => {
        const state = docStateOf(socket);
        if (!state) return [];
        return [{ speaker: { connectionId: socket.id, sub: state.sub }, clientIds: Object.keys(state.awareness).map(Number) }];
      }),
    );
    return this.#owners;
  }

  #bucketFor(socket: RoomSocket, role: DocConnectionState["role"]): TokenBucket {
    let bucket = this.#buckets.get(socket.id);
    if (!bucket) {
      const [burst, perSecond] =
        role === "viewer" ? [DocLimits.VIEWER_MESSAGE_BURST, DocLimits.VIEWER_MESSAGES_PER_SECOND] : [DocLimits.MESSAGE_BURST, DocLimits.MESSAGES_PER_SECOND];
      this.#buckets.set(socket.id, (bucket = new TokenBucket(burst, perSecond, this.room.core.ports.clock.now())));
    }
    return bucket;
  }
}

/** The empty Yjs update as Yjs encodes it: no structs (0 clients), an empty delete set (0 clients). */
function isEmptyUpdateBytes(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}
