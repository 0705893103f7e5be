import type * as Y from "yjs";
import { docObjectsPrefix, SqliteDocVersions } from "../../persistence/docVersions.ts";
import type { RoomExportEntry } from "../../persistence/outboxKinds.ts";
import { SqliteDocStore } from "../../persistence/sqliteDocStore.ts";
import { CloseCode, DocLimits, DocRole, RoomLimits, encodeServerControl, roomPath } from "../../protocol/index.ts";
import type { RoomPorts, RoomSocket } from "../engine/ports.ts";
import type { CommitPacing } from "../engine/groupCommit.ts";
import { RoomCore, type ConnectionIdentity, type RoomKind } from "../engine/roomCore.ts";
import type { RoomServices } from "../engine/services.ts";
import { logEvent } from "../log.ts";
import { Occupancy, type AdmissionPolicy } from "../occupancy.ts";
import { docStateOf, setDocState, type DocConnectionState } from "./connectionState.ts";
import { DocHistory } from "./docHistory.ts";
import { DocMessages } from "./docMessages.ts";
import { BUSY_COMMIT_INTERVAL_MS, DocWrites } from "./docWrites.ts";
import { encodeQueryAwareness } from "./frames.ts";
import { LazyDoc } from "./lazyDoc.ts";
import { SyncFrames } from "./syncFrames.ts";

/** The path PartyKit clients connect under (server/routes/partiesSocket.ts). */
const PARTIES_PATH_PREFIX = "/parties/";

/**
 * A collaboration room, whatever runs it: one Yjs document, its presence, and its durable log.
 * It takes its runtime as ports (rooms/engine/ports.ts), so a Durable Object (DocRoom.ts), the
 * Node adapter and a test drive the same room.
 *
 * Built on y-protocols directly rather than y-partyserver's YServer, because this room must
 * (1) write every update to SQLite in the turn it is applied, where YServer saves on a debounce
 * and not when the room empties; (2) check each frame against size, rate, role and document
 * bounds before it reaches the document; (3) send `saved` acks as separate JSON control frames
 * only to clients that asked, and only once durable; and (4) relay presence without y-protocols'
 * Awareness interval timer, which would keep a hibernating room awake.
 */
export class DocEngine {
  /** The Yjs document, built from storage only when something needs it (lazyDoc.ts). */
  readonly lazyDoc: LazyDoc;
  readonly core: RoomCore;
  readonly store: SqliteDocStore;
  readonly history: DocHistory;
  readonly writes: DocWrites;
  readonly sync: SyncFrames;
  readonly #messages: DocMessages;
  readonly #occupancy = new Occupancy<RoomSocket>((socket) => {
    const state = docStateOf(socket);
    if (!state) return null;
    return { sub: state.sub, role: state.role, waitingSince: state.isReady ? null : state.connectedAt };
  });
  /** Every connection counts against the room's cap; its last slots are kept for editors. */
  readonly #admission: AdmissionPolicy;
  /**
   * Set when the stored document could not be read at start. The room then serves no one and
   * writes nothing, so a document that failed to load is never saved over the stored one; the
   * next instance tries again (see RoomCore.refuseUnloaded).
   */
  get loadError(): unknown {
    return this.#loadError ?? this.lazyDoc.failure;
  }
  #loadError: unknown = null;

  constructor(
    readonly ports: RoomPorts,
    services: RoomServices,
    readonly name: string,
  ) {
    // Room SQLite is synchronous, so the stored bytes are read before any entry point runs; the
    // document is applied from them only when first needed (lazyDoc.ts), not to answer a sync.
    this.store = new SqliteDocStore(ports.db, () => ports.clock.now());
    let lazyDoc: LazyDoc | null = null;
    try {
      const stored = this.store.load();
      const snapshotStateVector = stored.snapshot ? this.store.snapshotStateVector() : null;
      lazyDoc = new LazyDoc(stored.snapshot || stored.updates.length > 0 ? { ...stored, snapshotStateVector } : null);
    } catch (error) {
      this.#loadError = error;
      logEvent("load_failed", { room: name, error });
    }
    this.lazyDoc = lazyDoc ?? new LazyDoc(null);
    this.sync = new SyncFrames(this.lazyDoc);
    this.core = new RoomCore(ports, services, this.#kind());
    this.#admission = {
      maxPerSub: services.maxConnectionsPerSub(name),
      counts: "all",
      capacity: DocLimits.MAX_CONNECTIONS,
      capacityName: "connections",
      reservedSlots: DocLimits.CONNECTIONS_KEPT_FOR_EDITORS,
      priorityRole: "editor",
    };
    this.history = new DocHistory(ports.db, ports.archive, ports.clock, name, this.lazyDoc, { versions: new SqliteDocVersions(ports.db.sql, ports.random), outbox: this.core.outbox }, () => void this.core.scheduleAlarm(), (version) => {
      const data = { roomId: name, versionId: version.id, createdAt: version.createdAt, bytes: version.bytes, editors: version.editors };
      // A document room has no matches, so the entries kept for a match's end are free for its version's event.
      this.core.recordEvent("document.version", `document.version:${name}:${version.id}`, data, version.createdAt, { isReserved: true });
    });
    const gated = ports.durability.holdsOutput ? writesUnderOutputGate(ports) : null;
    this.writes = new DocWrites(this.lazyDoc, this.store, this.history, ports.durability, {
      relay: (frame, without) => this.core.sendToAll(frame, without),
      saved: (socket, seq) => this.#messages.sendControl(socket, { type: "saved", seq }),
      commitFailed: (error) => logEvent("commit_failed", { room: name, error }),
      wholeDocument: (update) => this.sync.wholeDocument(update),
    }, gated?.afterTurn, gated?.pacing);
    this.#messages = new DocMessages({ core: this.core, sync: this.sync, store: this.store, writes: this.writes, occupancy: this.#occupancy, name });
  }

  /** The document, built first if it is not yet: every path that reads or changes it comes through here. */
  get doc(): Y.Doc {
    return this.lazyDoc.get();
  }

  // ---- entry points ----

  /** After a start or a wake, with sockets from before it still open. */
  start(): void {
    const open = this.core.openSockets();
    if (this.loadError) {
      for (const socket of open) this.core.refuseUnloaded(socket, "the document");
      return;
    }
    // Presence lived in memory only; after a wake, ask the connected clients to announce themselves.
    if (open.length > 0) this.core.sendToAll(encodeQueryAwareness());
  }

  connect(socket: RoomSocket, request: Request): Promise<void> {
    return this.core.connect(socket, request);
  }

  message(socket: RoomSocket, data: string | Uint8Array): void {
    this.core.message(socket, data);
  }

  close(socket: RoomSocket): Promise<void> {
    return this.core.close(socket);
  }

  alarm(): Promise<void> {
    return this.core.alarm();
  }

  /** Operator and version operations on a document that failed to load would act on an empty one. */
  assertLoaded(): void {
    if (this.loadError) throw new Error("the document could not be loaded; the room refuses to act on it");
  }

  // ---- the document kind, as the core sees it ----

  #kind(): RoomKind {
    return {
      kind: "doc",
      roomPath: roomPath("doc", this.name),
      gameName: null,
      roomId: this.name,
      archivePrefix: docObjectsPrefix(this.name),
      readLimits: { probeAfterBytes: DocLimits.PROBE_AFTER_BYTES, maxUnreadBytes: DocLimits.MAX_UNREAD_BYTES },
      // Every y-protocols client answers a sync step 1 with a step 2.
      probeFrame: () => this.sync.step1(),
      identityOf: (socket): ConnectionIdentity | null => {
        const state = docStateOf(socket);
        return state ? { sub: state.sub, role: state.role, connectedAt: state.connectedAt } : null;
      },
      tokenExpiryOf: (socket) => docStateOf(socket)?.tokenExpiresAt ?? null,
      readsControl: (socket) => docStateOf(socket)?.isSdk ?? false,
      encodeSystemMessage: (message) => encodeServerControl({ type: "system", message }),
      deliver: (entry: RoomExportEntry) => this.history.deliver(entry),
      alarmWork: (now) => this.#alarmWork(now),
      nextAlarmWork: () => {
        const due = [this.#occupancy.nextDeadline(() => this.core.openSockets()), this.loadError ? null : this.history.dueAt()];
        const times = due.filter((t): t is number => t !== null);
        return times.length > 0 ? Math.min(...times) : null;
      },
      onConnect: (socket, request) => this.#onConnect(socket, request),
      onMessage: (socket, data) => this.#onMessage(socket, data),
      onClose: (socket) => this.#onClose(socket),
    };
  }

  /** Closes sockets past their handshake deadline, and takes a version deferred to the end of its minute. */
  #alarmWork(now: number): void {
    for (const socket of this.#occupancy.overdue(this.core.openSockets(), now)) {
      this.core.closeSocket(socket, CloseCode.HANDSHAKE_TIMEOUT, `no sync or hello within ${RoomLimits.HANDSHAKE_TIMEOUT_MS / 1000} s`);
    }
    if (!this.loadError) this.history.takeDue(now);
  }

  async #onConnect(socket: RoomSocket, request: Request): Promise<void> {
    const { core } = this;
    if (this.loadError) return core.refuseUnloaded(socket, "the document");
    const state = await core.admit(socket, request, {
      roles: DocRole,
      others: () => this.#occupancy.others(core.openSockets(), socket.id),
      admitsByUpperBound: (candidate) => this.#occupancy.admitsByUpperBound(candidate, this.#admission),
      policy: this.#admission,
      store: (identity, role) => {
        const admitted: DocConnectionState = {
          sub: identity.sub,
          name: identity.name,
          role,
          isReady: false,
          isSdk: false,
          isParty: new URL(request.url).pathname.startsWith(PARTIES_PATH_PREFIX),
          updateSeq: 0,
          awareness: {},
          connectedAt: this.ports.clock.now(),
          tokenExpiresAt: identity.exp * 1000,
        };
        setDocState(socket, admitted);
        this.#occupancy.admitted(socket.id, { sub: admitted.sub, role, waitingSince: admitted.connectedAt });
        return admitted;
      },
    });
    if (!state) return;
    core.watchTokenExpiry(socket, state.tokenExpiresAt);
    this.#unlessUnloadable(() => core.send(socket, this.sync.step1()));
    if (!socket.isOpen) return;
    core.expectAnswer(socket);
    if (this.#messages.presence.size > 0) for (const frame of this.#messages.presence.frames()) core.send(socket, frame);
    // What this join adds to the alarm: its handshake deadline and its token's expiry.
    core.noteDirectoryChange(Math.min(state.connectedAt + RoomLimits.HANDSHAKE_TIMEOUT_MS, state.tokenExpiresAt));
  }

  #onMessage(socket: RoomSocket, data: string | Uint8Array): void {
    // Frames already queued when the room closed this socket are dropped, not answered.
    if (!socket.isOpen) return;
    if (this.loadError) return this.core.refuseUnloaded(socket, "the document");
    this.#unlessUnloadable(() => this.#messages.handle(socket, data));
  }

  /**
   * Runs `work`, which may read the stored document (to serve it, or build it) for the first time.
   * If that read fails, the room refuses everyone, as when the document cannot be read at start.
   */
  #unlessUnloadable(work: () => void): void {
    try {
      work();
    } catch (error) {
      if (!this.lazyDoc.failure) throw error;
      logEvent("load_failed", { room: this.name, error });
      for (const socket of this.core.openSockets()) this.core.refuseUnloaded(socket, "the document");
    }
  }

  #onClose(socket: RoomSocket): void {
    this.#occupancy.forget(socket.id);
    this.#messages.closed(socket);
    const others = this.core.openSockets().filter((s) => s.id !== socket.id);
    // A room that was never created (its only connection was refused) stores no snapshot.
    if (others.length === 0 && !this.loadError && this.core.exists()) {
      this.writes.compactIfLogged();
      this.history.requestVersion();
    }
    this.core.noteDirectoryChange(null); // a leave adds no deadline (a version it asked for schedules its own alarm)
  }
}

/**
 * Where frames leave only when the turn that sent them ends and a commit holds the thread (a Durable
 * Object): the write goes in the turn after the update's relay, and a busy room's commits are spaced.
 */
function writesUnderOutputGate(ports: RoomPorts): { afterTurn: (run: () => void) => void; pacing: CommitPacing } {
  return {
    afterTurn: (run) => ports.scheduler.afterTurn(run),
    pacing: { minIntervalMs: BUSY_COMMIT_INTERVAL_MS, now: () => ports.clock.elapsedMs(), later: (delayMs, run) => void ports.scheduler.later(delayMs, run) },
  };
}
