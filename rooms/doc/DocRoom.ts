import type { Connection, ConnectionContext, WSMessage } from "partyserver";
import * as Y from "yjs";
import { SqliteDocStore, type RoomExportEntry } from "../../persistence/index.ts";
import {
  CloseCode,
  DocLimits,
  DocRole,
  PROTOCOL_VERSION,
  RoomLimits,
  decodeClientControl,
  encodeServerControl,
  roomPath,
  versionMismatch,
  type ServerControl,
} from "../../protocol/index.ts";
import { admitConnection, maxConnectionsPerSub } from "../admission.ts";
import { Occupancy, type AdmissionPolicy } from "../occupancy.ts";
import { RoomShell, type ConnectionIdentity } from "../RoomShell.ts";
import { logEvent } from "../log.ts";
import { AwarenessOwners, AwarenessRelay } from "./awarenessRelay.ts";
import { DocConnectionState } from "./connectionState.ts";
import { DocHistory, type TakenVersion } from "./docHistory.ts";
import { DocWrites } from "./docWrites.ts";
import { renderDocument } from "./restore.ts";
import {
  FrameError,
  decodeFrame,
  encodeAwareness,
  encodeAwarenessFrames,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  isEmptyUpdate,
  toBytes,
  type ReceivedAwarenessEntry,
} from "./frames.ts";
import { TokenBucket } from "./tokenBucket.ts";

/** The path PartyKit clients connect under (server/routes/partiesSocket.ts). */
const PARTIES_PATH_PREFIX = "/parties/";
/** y-partyserver marks its custom messages, text frames, with this prefix. */
const CUSTOM_MESSAGE_PREFIX = "__YPS:";

/**
 * A collaboration room: one Yjs document, its presence, and its durable log.
 *
 * Built on partyserver's Server for naming and hibernation-aware connections, and on
 * y-protocols directly rather than y-partyserver's YServer, because this room must
 * (1) write every update to SQLite in the turn it is applied, where YServer saves on a
 * debounce and not when the room empties; (2) check each frame against size, rate,
 * role and document bounds before it reaches the document; (3) send `saved` acks as
 * separate JSON control frames only to clients that asked, where YServer multiplexes
 * string-prefixed custom messages; and (4) relay presence without y-protocols'
 * Awareness interval timer, which would keep a hibernating room awake.
 */
export class DocRoom extends RoomShell {
  protected readonly kind = "doc";
  readonly #doc = new Y.Doc({ gc: true });
  readonly #store: SqliteDocStore;
  readonly #history: DocHistory;
  readonly #awareness = new AwarenessRelay();
  /** Rate buckets are in memory on purpose: a room that hibernated was not being flooded. */
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #writes: DocWrites;
  readonly #occupancy = new Occupancy((connection) => {
    const state = DocConnectionState.safeParse(connection.state);
    if (!state.success) return null;
    return { sub: state.data.sub, role: state.data.role, waitingSince: state.data.isReady ? null : state.data.connectedAt };
  });
  /** Every connection counts against the room's cap; its last slots are kept for editors. */
  readonly #admission: AdmissionPolicy;
  /**
   * Set when the stored document could not be read at start. The room then serves no one and
   * writes nothing, so a document that failed to load is never saved over the stored one; the
   * next instance tries again (see refuseUnloaded).
   */
  #loadError: unknown = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // DO SQLite is synchronous, so the document is whole before any entry point runs:
    // a socket message, an RPC from the admin API or a test.
    this.#store = new SqliteDocStore(ctx.storage);
    try {
      const { snapshot, updates } = this.#store.load();
      this.#doc.transact(() => {
        if (snapshot) Y.applyUpdate(this.#doc, snapshot);
        for (const update of updates) Y.applyUpdate(this.#doc, update);
      });
    } catch (error) {
      this.#loadError = error;
      logEvent("load_failed", { room: ctx.id.name, error });
    }
    this.#admission = {
      maxPerSub: maxConnectionsPerSub(env, ctx.id.name ?? ""),
      counts: "all",
      capacity: DocLimits.MAX_CONNECTIONS,
      capacityName: "connections",
      reservedSlots: DocLimits.CONNECTIONS_KEPT_FOR_EDITORS,
      priorityRole: "editor",
    };
    this.#history = new DocHistory(ctx.storage, env.ARCHIVE, ctx.id.name ?? "", this.#doc, this.outbox, () => void this.scheduleAlarm(), (version) => {
      const data = { roomId: this.name, versionId: version.id, createdAt: version.createdAt, bytes: version.bytes, editors: version.editors };
      // A document room has no matches, so the entries kept for a match's end are free for its version's event.
      this.recordEvent("document.version", `document.version:${this.name}:${version.id}`, data, version.createdAt, { isReserved: true });
    });
    this.#writes = new DocWrites(this.#doc, this.#store, this.#history, ctx.storage, {
      relay: (frame, without) => this.sendToAll(frame, without),
      saved: (connection, seq) => this.#sendControl(connection, { type: "saved", seq }),
      commitFailed: (error) => logEvent("commit_failed", { room: this.name, error }),
    });
  }

  onStart(): void {
    if (this.#loadError) {
      for (const connection of this.openConnections()) this.refuseUnloaded(connection, "the document");
      return;
    }
    // Presence lived in memory only; after a wake, ask the connected clients to announce themselves.
    if (this.openConnections().length > 0) this.sendToAll(encodeQueryAwareness());
  }

  protected get roomPath(): string {
    return roomPath("doc", this.name);
  }
  protected get gameName(): null {
    return null;
  }
  protected get roomId(): string {
    return this.name;
  }
  protected deliver(entry: RoomExportEntry): Promise<void> {
    return this.#history.deliver(entry);
  }
  /** Closes sockets past their handshake deadline, and takes a version deferred to the end of its minute. */
  protected onAlarmWork(now: number): void {
    for (const connection of this.#occupancy.overdue(this.openConnections(), now)) {
      this.close(connection, CloseCode.HANDSHAKE_TIMEOUT, `no sync or hello within ${RoomLimits.HANDSHAKE_TIMEOUT_MS / 1000} s`);
    }
    if (!this.#loadError) this.#history.takeDue(now);
  }
  protected nextAlarmWork(): number | null {
    const due = [this.#occupancy.nextDeadline(this.openConnections()), this.#loadError ? null : this.#history.dueAt()];
    const times = due.filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }
  protected tokenExpiryOf(connection: Connection): number | null {
    return DocConnectionState.safeParse(connection.state).data?.tokenExpiresAt ?? null;
  }
  protected identityOf(connection: Connection): ConnectionIdentity | null {
    const state = DocConnectionState.safeParse(connection.state);
    return state.success ? { sub: state.data.sub, role: state.data.role, connectedAt: state.data.connectedAt } : null;
  }
  protected readsControl(connection: Connection): boolean {
    const state = DocConnectionState.safeParse(connection.state);
    return state.success && state.data.isSdk;
  }
  protected encodeSystemMessage(message: string): string {
    return encodeServerControl({ type: "system", message });
  }
  protected readonly readLimits = { probeAfterBytes: DocLimits.PROBE_AFTER_BYTES, maxUnreadBytes: DocLimits.MAX_UNREAD_BYTES };
  /** Every y-protocols client answers a sync step 1 with a step 2. */
  protected probeFrame(): Uint8Array {
    return encodeSyncStep1(this.#doc);
  }

  async onConnect(connection: Connection, { request }: ConnectionContext): Promise<void> {
    this.rememberConnection(connection);
    if (this.#loadError) return this.refuseUnloaded(connection, "the document");
    const admitted = await admitConnection(connection, request, {
      roomPath: this.roomPath,
      roles: DocRole,
      meta: this.meta,
      roomName: this.name,
      others: () => this.#occupancy.others(this.openConnections(), connection.id),
      policy: this.#admission,
      env: this.env,
    });
    if (!admitted) return;
    const { identity, role } = admitted;

    const state: DocConnectionState = {
      sub: identity.sub,
      name: identity.name,
      role,
      isReady: false,
      isSdk: false,
      isParty: new URL(request.url).pathname.startsWith(PARTIES_PATH_PREFIX),
      updateSeq: 0,
      awareness: {},
      connectedAt: Date.now(),
      tokenExpiresAt: identity.exp * 1000,
    };
    connection.setState(state);
    this.#occupancy.admitted(connection.id, { sub: state.sub, role, waitingSince: state.connectedAt });
    this.watchTokenExpiry(connection, state.tokenExpiresAt);
    this.send(connection, encodeSyncStep1(this.#doc));
    this.expectAnswer(connection);
    if (this.#awareness.states().length > 0) for (const frame of this.#awareness.frames()) this.send(connection, frame);
    this.noteDirectoryChange();
  }


  onClose(connection: Connection): void {
    this.forgetConnection(connection);
    this.#occupancy.forget(connection.id);
    this.#buckets.delete(connection.id);
    this.telemetry.forget(connection.id);
    const state = DocConnectionState.safeParse(connection.state);
    if (state.success) {
      this.#owners?.release(connection.id, Object.keys(state.data.awareness).map(Number));
      const clocks = new Map(Object.entries(state.data.awareness).map(([id, clock]) => [Number(id), clock]));
      const removals = this.#awareness.removalsFor(clocks);
      if (removals.length > 0) this.sendToAll(encodeAwareness(removals), connection.id);
    }
    const others = this.openConnections().filter((c) => c.id !== connection.id);
    // A room that was never created (its only connection was refused) stores no snapshot.
    if (others.length === 0 && !this.#loadError && this.exists()) {
      this.#writes.compactIfLogged();
      this.#history.requestVersion();
    }
    this.noteDirectoryChange();
  }

  onError(connection: Connection, error: unknown): void {
    logEvent("socket_error", { room: this.name, connection: connection.id, error });
  }

  /** Folds the update log into the snapshot now. Used when the room empties, by tests and by operators. */
  compact(): void {
    this.#assertLoaded();
    this.#writes.compact();
  }

  /** Storage sizes and placement, for tests and the admin API. */
  describe() {
    this.#writes.flush();
    return {
      ...this.#store.stats(),
      outbox: this.outbox.status(),
      locationHint: this.meta.get("location_hint"),
      connections: this.openConnections().length,
    };
  }

  /** The document's versions, oldest first. */
  listVersions() {
    return this.#history.list();
  }

  /** One version as a Yjs update, or null. */
  versionSnapshot(versionId: string): Promise<Uint8Array | null> {
    return this.#history.snapshotBytes(versionId);
  }

  /** Exports a version now if the document changed since the last one; returns its id or null. */
  snapshotVersion(): string | null {
    const outcome = this.takeVersionNow();
    return outcome.type === "taken" ? outcome.version.id : null;
  }

  /** An operator's version: taken now, not held to the once-a-minute floor; skipped for an empty or unchanged document. */
  takeVersionNow(): TakenVersion {
    this.#assertLoaded();
    return this.#history.takeVersionNow();
  }

  /** Restores a version as a new update that every client merges; false for an unknown version. */
  restoreVersion(versionId: string): Promise<boolean> {
    this.#assertLoaded();
    return this.#history.restore(versionId);
  }

  /** Everything an operator sees of this room. */
  inspect() {
    this.#writes.flush();
    return {
      ...this.directoryEntry(),
      connectionList: this.connectionsInfo(),
      document: { ...this.#store.stats(), documentBytes: Y.encodeStateAsUpdate(this.#doc).byteLength, json: renderDocument(this.#doc) },
      versions: this.#history.list(),
      outbox: this.outbox.status(),
    };
  }

  /** The whole document as one Yjs update. */
  exportDocument(): Uint8Array {
    this.#assertLoaded();
    return Y.encodeStateAsUpdate(this.#doc);
  }

  /** Merges a Yjs update into the document, as if an editor had sent it; refuses garbage and oversize. */
  importDocument(update: Uint8Array): { ok: true } | { ok: false; message: string } {
    this.#assertLoaded();
    try {
      Y.decodeUpdate(update);
    } catch {
      return { ok: false, message: "body is not a Yjs update" };
    }
    const stats = this.#store.stats();
    if (stats.snapshotBytes + stats.logBytes + update.byteLength > DocLimits.MAX_DOCUMENT_BYTES) {
      return { ok: false, message: `document would grow past ${DocLimits.MAX_DOCUMENT_BYTES} bytes` };
    }
    try {
      Y.applyUpdate(this.#doc, update, "import");
    } catch (error) {
      // As on sockets (DocWrites.apply): Yjs checks an update only as it applies it. Whatever it
      // changed before failing went through the document's update listener, so it is written
      // and relayed like any update; the caller is told the update was refused.
      logEvent("admin_import_refused", { room: this.roomPath, bytes: update.byteLength, error });
      return { ok: false, message: "the update could not be applied to the document" };
    }
    logEvent("admin_import", { room: this.roomPath, bytes: update.byteLength });
    return { ok: true };
  }

  /** The live document. Read it; never write to it from outside the room. */
  get document(): Y.Doc {
    return this.#doc;
  }

  protected handleMessage(connection: Connection, message: WSMessage): void {
    // Frames already queued when the room closed this socket are dropped, not answered.
    if (connection.readyState !== WebSocket.OPEN) return;
    if (this.#loadError) return this.refuseUnloaded(connection, "the document");
    this.noteActivity();
    const bytes = typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    if (bytes > DocLimits.MAX_MESSAGE_BYTES) {
      this.telemetry.refused("too_large");
      return this.close(connection, CloseCode.MESSAGE_TOO_LARGE, `frame of ${bytes} bytes is over ${DocLimits.MAX_MESSAGE_BYTES}`);
    }
    this.telemetry.received(connection.id, bytes);
    if (!this.#bucketFor(connection).take(Date.now())) {
      this.telemetry.refused("rate_limited");
      return this.close(connection, CloseCode.RATE_LIMITED, `over ${DocLimits.MESSAGES_PER_SECOND} messages per second`);
    }
    const parsedState = DocConnectionState.safeParse(connection.state);
    if (!parsedState.success) return this.close(connection, CloseCode.UNAUTHENTICATED, "connection has no identity");
    if (typeof message === "string" && message.startsWith(CUSTOM_MESSAGE_PREFIX)) return this.#relayCustomMessage(connection, message);
    if (typeof message === "string") return this.#handleControl(connection, parsedState.data, message);

    let frame;
    try {
      frame = decodeFrame(toBytes(message));
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      return this.close(connection, CloseCode.BAD_MESSAGE, error.message);
    }
    const state = parsedState.data.isReady ? parsedState.data : this.#handshakeDone(connection, parsedState.data);
    switch (frame.type) {
      case "sync_step1":
        return this.send(connection, encodeSyncStep2(this.#doc, frame.stateVector));
      case "update":
        if (frame.isSyncReply) this.proofOfReading(connection);
        return this.#handleUpdate(connection, state, frame.update);
      case "awareness":
        return this.#handleAwareness(connection, state, frame.entries);
      case "query_awareness":
        for (const frame of this.#awareness.frames()) this.send(connection, frame);
        return;
    }
  }

  /**
   * y-partyserver's custom messages (`provider.sendMessage`) go, as sent, to the room's other
   * connections that came through /parties/: YProvider reads them and ignores other text. SDK
   * and stock y-websocket clients never get them (y-websocket reads every frame as binary), and
   * the sender gets no echo, as with y-partyserver's own broadcast. They passed the size and
   * rate bounds above like any frame; the room neither reads nor stores them, and any role may
   * send them (they change no document, as presence does not).
   */
  #relayCustomMessage(sender: Connection, message: string): void {
    for (const connection of this.openConnections()) {
      if (connection.id === sender.id) continue;
      if (DocConnectionState.safeParse(connection.state).data?.isParty) this.send(connection, message);
    }
  }

  #handleControl(connection: Connection, state: DocConnectionState, text: string): void {
    const decoded = decodeClientControl(text);
    if (!decoded.ok) return this.close(connection, CloseCode.BAD_MESSAGE, `bad control message: ${decoded.error}`);
    const hello = decoded.value;
    const mismatch = versionMismatch(hello.protocol);
    if (mismatch) return this.close(connection, CloseCode.VERSION_MISMATCH, mismatch);
    this.#handshakeDone(connection, { ...state, isSdk: true });
    this.#sendControl(connection, { type: "welcome", protocol: PROTOCOL_VERSION, connectionId: connection.id, role: state.role });
  }

  /** Stores that the connection completed its handshake (its first valid frame); returns its new state. */
  #handshakeDone(connection: Connection, state: DocConnectionState): DocConnectionState {
    const ready = { ...state, isReady: true };
    connection.setState(ready);
    this.#occupancy.handshakeDone(connection.id);
    return ready;
  }

  #handleUpdate(connection: Connection, state: DocConnectionState, update: Uint8Array): void {
    const seq = state.updateSeq + 1;
    connection.setState({ ...state, updateSeq: seq });
    const refusal = state.role === "viewer" ? "read_only" : this.isLocked ? "locked" : null;
    if (refusal && !isEmptyUpdate(update)) {
      logEvent("write_refused", { room: this.name, connection: connection.id, sub: state.sub, reason: refusal });
      this.telemetry.refused(refusal);
      if (state.isSdk) this.#sendControl(connection, { type: "refused", seq, reason: refusal });
      return;
    }
    const stats = this.#store.stats();
    if (stats.snapshotBytes + stats.logBytes + this.#writes.pendingBytes + update.byteLength > DocLimits.MAX_DOCUMENT_BYTES) {
      return this.close(
        connection,
        CloseCode.DOCUMENT_TOO_LARGE,
        `document would grow past ${DocLimits.MAX_DOCUMENT_BYTES} bytes`,
      );
    }
    if (!this.#writes.apply(connection, update, state.isSdk ? seq : null)) {
      this.close(connection, CloseCode.BAD_MESSAGE, "the update could not be applied to the document");
    }
  }

  #handleAwareness(connection: Connection, state: DocConnectionState, incoming: ReceivedAwarenessEntry[]): void {
    const tooLarge = incoming.find((entry) => entry.stateBytes > DocLimits.MAX_PRESENCE_STATE_BYTES);
    if (tooLarge) {
      this.telemetry.refused("too_large");
      return this.close(
        connection,
        CloseCode.MESSAGE_TOO_LARGE,
        `presence state of ${tooLarge.stateBytes} bytes is over ${DocLimits.MAX_PRESENCE_STATE_BYTES}`,
      );
    }
    const entries = this.#awarenessOwners().admit({ connectionId: connection.id, sub: state.sub }, incoming, (id) =>
      this.openConnections().some((c) => c.id === id),
    );
    if (entries.length < incoming.length) {
      this.telemetry.refused("awareness_not_own");
      logEvent("awareness_refused", { room: this.name, connection: connection.id, sub: state.sub, clients: incoming.length - entries.length });
    }
    const clocks = { ...state.awareness };
    for (const entry of entries) {
      if (entry.stateJson === "null") delete clocks[entry.clientId];
      else clocks[entry.clientId] = entry.clock;
    }
    if (Object.keys(clocks).length > DocLimits.MAX_AWARENESS_CLIENTS_PER_CONNECTION) {
      return this.close(
        connection,
        CloseCode.BAD_MESSAGE,
        `one connection may speak for at most ${DocLimits.MAX_AWARENESS_CLIENTS_PER_CONNECTION} awareness clients`,
      );
    }
    connection.setState({ ...state, awareness: clocks });
    // The name peers show comes from the token, never from the state the client wrote.
    const { accepted, overRoomBound } = this.#awareness.apply(entries, { id: state.sub, name: state.name ?? state.sub });
    if (overRoomBound > 0) {
      this.telemetry.refused("presence_full");
      logEvent("awareness_over_room_bound", { room: this.name, connection: connection.id, sub: state.sub, clients: overRoomBound });
    }
    if (accepted.length === 0) return;
    for (const frame of encodeAwarenessFrames(accepted, DocLimits.MAX_PRESENCE_FRAME_BYTES)) this.sendToAll(frame, connection.id);
  }

  /** Who speaks for each awareness client id; null until first needed after a start or wake. */
  #owners: AwarenessOwners | null = null;

  #awarenessOwners(): AwarenessOwners {
    this.#owners ??= new AwarenessOwners(
      this.openConnections().flatMap((connection) => {
        const state = DocConnectionState.safeParse(connection.state);
        if (!state.success) return [];
        return [{ speaker: { connectionId: connection.id, sub: state.data.sub }, clientIds: Object.keys(state.data.awareness).map(Number) }];
      }),
    );
    return this.#owners;
  }

  #bucketFor(connection: Connection): TokenBucket {
    let bucket = this.#buckets.get(connection.id);
    if (!bucket) this.#buckets.set(connection.id, (bucket = new TokenBucket(DocLimits.MESSAGE_BURST, DocLimits.MESSAGES_PER_SECOND, Date.now())));
    return bucket;
  }

  #sendControl(connection: Connection, message: ServerControl): void {
    this.send(connection, encodeServerControl(message));
  }


  /** Operator and version operations on a document that failed to load would act on an empty one. */
  #assertLoaded(): void {
    if (this.#loadError) throw new Error("the document could not be loaded; the room refuses to act on it");
  }
}
