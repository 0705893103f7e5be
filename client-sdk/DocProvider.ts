import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { decodeServerControlLean as decodeServerControl, encodeClientControlLean as encodeClientControl } from "../protocol/clientWire.ts";
import type { DocRole } from "../protocol/index.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";
import { YjsMessageType, YjsSyncStep } from "../protocol/yjsMessages.ts";
import { Emitter } from "./emitter.ts";
import { whenStatus } from "./whenStatus.ts";
import { CLIENT_FRAME_BURST, CLIENT_FRAMES_PER_SECOND, CLIENT_VIEWER_FRAME_BURST, CLIENT_VIEWER_FRAMES_PER_SECOND, OutboundBatcher } from "./outboundBatcher.ts";
import { withSafeColors } from "./presence.ts";
import { SocketSession, type CloseReason, type SessionContext } from "./socketSession.ts";
import { Presence, type PresenceDecoder } from "./typedPresence.ts";

export type { CloseReason } from "./socketSession.ts";

/**
 * Where a document connection stands:
 * - `connecting`: opening a socket;
 * - `connected`: socket open, first sync under way;
 * - `synced`: in sync with the room, but some local edits are not yet durable;
 * - `saved`: in sync, and the room has stored every local edit;
 * - `offline`: the connection dropped; a reconnect is scheduled;
 * - `closed`: destroyed, or stopped for good (see {@link DocProvider.closeReason}).
 */
export type DocStatus = "connecting" | "connected" | "synced" | "saved" | "offline" | "closed";

/** The statuses a live connection passes through, in order: `saved` is also `synced`, and both are `connected`. */
const PROGRESS: readonly DocStatus[] = ["connected", "synced", "saved"];

/** Whether `current` is a later step of a live connection than `wanted`. Exported for tests. */
export function isPast(current: DocStatus, wanted: DocStatus): boolean {
  const at = PROGRESS.indexOf(current);
  const target = PROGRESS.indexOf(wanted);
  return at >= 0 && target >= 0 && at > target;
}

export type DocProviderEvents = {
  status: [status: DocStatus];
  /** The provider stopped for good; it will not reconnect. */
  close: [reason: CloseReason];
  /** The room refused an edit (a viewer wrote, or the room is locked); the document keeps serving. */
  refused: [reason: string];
  /** A message from the service's operators, to show the user. */
  system: [message: string];
};

/** What the provider needs from the client that made it. */
export interface DocProviderContext extends SessionContext {
  roomId: string;
}

/**
 * Keeps a Y.Doc in sync with one Edgeroom collaboration room. Made by `client.doc()`.
 *
 * @example
 * ```ts
 * const provider = client.doc("notes-1");
 * provider.on("status", (status) => console.log(status)); // ... "synced", "saved"
 * provider.doc.getText("body").insert(0, "hello");
 * provider.awareness.setLocalStateField("user", { name: "Ada", color: "#4363d8" });
 * ```
 *
 * Presence from others arrives with `user.id` and `user.name` written by the room from their
 * tokens, and with colours only as `#rrggbb`; read it with `presentPeople()`.
 */
export class DocProvider extends Emitter<DocProviderEvents> {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly roomId: string;
  #status: DocStatus = "connecting";
  #closeReason: CloseReason | null = null;
  #role: DocRole | null = null;
  readonly #session: SocketSession;
  #isSynced = false;
  /** Update frames sent on the current socket, and how many of them the room says are durable. */
  #sentSeq = 0;
  #savedSeq = 0;
  #isDestroyed = false;
  readonly #ownsAwareness: boolean;
  readonly #outbound = new OutboundBatcher({
    sendUpdate: (update) => this.#sendUpdateFrame(frame(YjsMessageType.SYNC, (e) => syncProtocol.writeUpdate(e, update))),
    sendAwareness: (clients) => this.#sendAwareness(clients),
  });

  constructor(context: DocProviderContext, doc: Y.Doc, awareness?: awarenessProtocol.Awareness) {
    super();
    this.roomId = context.roomId;
    this.doc = doc;
    this.#ownsAwareness = awareness === undefined;
    this.awareness = awareness ?? new awarenessProtocol.Awareness(doc);
    doc.on("update", this.#handleDocUpdate);
    this.awareness.on("update", this.#handleAwarenessUpdate);
    this.#session = new SocketSession(context, {
      onConnecting: () => this.#setStatus("connecting"),
      onOpen: () => this.#handleOpen(),
      onMessage: (data) => (typeof data === "string" ? this.#handleControl(data) : this.#handleFrame(new Uint8Array(data))),
      // A token handover is not an outage: the provider says `connecting`, not `offline`.
      onOffline: (why) => this.#handleDrop(why === "token_expired" ? "connecting" : "offline"),
      onFatal: (reason) => this.#stop(reason),
    });
  }

  get status(): DocStatus {
    return this.#status;
  }

  /** Why the provider stopped, once `status` is `closed` for a reason other than `destroy()`. */
  get closeReason(): CloseReason | null {
    return this.#closeReason;
  }

  /** The role the room granted, once connected. */
  get role(): DocRole | null {
    return this.#role;
  }

  /** Resolves once the connection reaches `status` (or rejects if it closes first). */
  whenStatus(status: DocStatus): Promise<void> {
    return whenStatus<DocStatus>(this, status, "provider", (current) => current === status || isPast(current, status));
  }

  /**
   * Typed presence over this document's awareness: `set` our fields, read `others()` with the
   * identity the room wrote from each peer's token, and listen for changes. Pass a decoder to check
   * peers' fields into `State`; without one they come as raw fields.
   *
   * @example
   * ```ts
   * const presence = provider.presence<{ cursor: number }>((raw) =>
   *   Number.isSafeInteger(raw.cursor) ? { cursor: raw.cursor as number } : null,
   * );
   * presence.set({ cursor: 3 });
   * presence.on("change", () => console.log(presence.others().map((p) => `${p.name}@${p.state?.cursor}`)));
   * ```
   */
  presence(): Presence<Record<string, unknown>>;
  presence<State extends object>(decode: PresenceDecoder<State>): Presence<State>;
  presence<State extends object>(decode?: PresenceDecoder<State>): Presence<State> {
    return new Presence<State>(this.awareness, decode);
  }

  /** Disconnects and releases everything. Safe to call more than once. */
  destroy(): void {
    if (this.#isDestroyed) return;
    this.#isDestroyed = true;
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "destroy");
    this.#outbound.flush();
    this.doc.off("update", this.#handleDocUpdate);
    this.awareness.off("update", this.#handleAwarenessUpdate);
    if (this.#ownsAwareness) this.awareness.destroy();
    this.#session.stop();
    this.#setStatus("closed");
    this.removeAllListeners();
  }

  #handleOpen(): void {
    this.#isSynced = false;
    this.#sentSeq = 0;
    this.#savedSeq = 0;
    this.#setStatus("connected");
    this.#session.send(encodeClientControl({ type: "hello", protocol: PROTOCOL_VERSION }));
    this.#sendFrame(YjsMessageType.SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc));
    if (this.awareness.getLocalState() !== null) this.#sendAwareness([this.doc.clientID]);
  }

  #handleDrop(status: "connecting" | "offline" | "closed"): void {
    this.#isSynced = false;
    this.#outbound.clear();
    removeRemoteAwareness(this.awareness, this.doc.clientID);
    this.#setStatus(status);
  }

  #stop(reason: CloseReason): void {
    this.#closeReason = reason;
    this.#handleDrop("closed");
    this.emit("close", reason);
  }

  #handleControl(text: string): void {
    const decoded = decodeServerControl(text);
    if (!decoded.ok) return; // A newer server may add messages; ignoring them keeps old clients working.
    const message = decoded.value;
    switch (message.type) {
      case "welcome":
        this.#role = message.role;
        // A viewer only sends presence, and the room holds it to a lower rate than an editor.
        if (message.role === "viewer") this.#outbound.limitTo(CLIENT_VIEWER_FRAMES_PER_SECOND, CLIENT_VIEWER_FRAME_BURST);
        else this.#outbound.limitTo(CLIENT_FRAMES_PER_SECOND, CLIENT_FRAME_BURST);
        return;
      case "saved":
        this.#savedSeq = Math.max(this.#savedSeq, message.seq);
        return this.#updateSyncStatus();
      case "system":
        return this.emit("system", message.message);
      case "refused":
        this.#savedSeq = Math.max(this.#savedSeq, message.seq);
        this.emit("refused", message.reason);
        return this.#updateSyncStatus();
    }
  }

  #handleFrame(bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    const messageType = decoding.readVarUint(decoder);
    switch (messageType) {
      case YjsMessageType.SYNC: {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, YjsMessageType.SYNC);
        const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
        // Our reply to the room's step 1 carries every local edit the room lacks.
        if (encoding.length(encoder) > 1) this.#sendUpdateFrame(toOwnedBytes(encoding.toUint8Array(encoder)));
        if (syncType === YjsSyncStep.STEP2 && !this.#isSynced) {
          this.#isSynced = true;
          this.#session.resetBackoff();
        }
        return this.#updateSyncStatus();
      }
      case YjsMessageType.AWARENESS:
        return awarenessProtocol.applyAwarenessUpdate(this.awareness, withSafeColors(decoding.readVarUint8Array(decoder)), this);
      case YjsMessageType.QUERY_AWARENESS:
        return this.#sendAwareness([...this.awareness.getStates().keys()]);
    }
  }

  #handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // Sent even before the first sync completes: Yjs ignores what the room already has.
    if (origin === this) return;
    if (this.#session.isOpen) this.#outbound.update(update);
    // A socket still closing is not open, and its close event is yet to come: the edit waits for
    // the next sync, so the provider must not keep saying `saved`.
    else if (this.#status === "saved") this.#setStatus("synced");
    this.#updateSyncStatus();
  };

  #handleAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.#session.isOpen) return;
    this.#outbound.awareness([...added, ...updated, ...removed]);
  };

  #sendAwareness(clients: number[]): void {
    if (clients.length === 0) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
    this.#sendFrame(YjsMessageType.AWARENESS, (e) => encoding.writeVarUint8Array(e, update));
  }

  #sendUpdateFrame(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.#session.send(bytes)) this.#sentSeq += 1;
  }

  #sendFrame(messageType: number, write: (encoder: encoding.Encoder) => void): void {
    this.#session.send(frame(messageType, write));
  }

  #updateSyncStatus(): void {
    if (!this.#isSynced || !this.#session.isOpen) return;
    this.#setStatus(this.#savedSeq >= this.#sentSeq && !this.#outbound.hasPending ? "saved" : "synced");
  }

  #setStatus(status: DocStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit("status", status);
  }
}

function frame(messageType: number, write: (encoder: encoding.Encoder) => void): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageType);
  write(encoder);
  return toOwnedBytes(encoding.toUint8Array(encoder));
}

/** lib0 types its output over ArrayBufferLike; WebSocket.send wants a plain ArrayBuffer view. */
function toOwnedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
}

/** Forgets the presence of everyone but ourselves; the room re-sends it after a reconnect. */
function removeRemoteAwareness(awareness: awarenessProtocol.Awareness, ownClientId: number): void {
  const others = [...awareness.getStates().keys()].filter((id) => id !== ownClientId);
  awarenessProtocol.removeAwarenessStates(awareness, others, "connection lost");
}
