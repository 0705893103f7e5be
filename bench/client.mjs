// One load-generator client: a Yjs peer over a raw WebSocket, speaking each system's framing.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { WebSocket as WsWebSocket } from "ws";
// Node 22 strips the types of this .ts import itself (the bench runs on the project's pinned Node).
import { YjsMessageType } from "../protocol/yjsMessages.ts";

/**
 * The WebSocket every bench client uses: `ws` without permessage-deflate. Node's built-in client
 * always offers compression, and wrangler dev's local entry worker accepts it (a deployed
 * Edgeroom declines it, see wrangler.toml); the Node peers never negotiate it. Not offering it
 * keeps every system on the same uncompressed frames.
 */
export class BenchWebSocket extends WsWebSocket {
  constructor(url, protocols) {
    super(url, protocols, { perMessageDeflate: false });
  }
}

const SYNC = YjsMessageType.SYNC;
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_SYNC_REPLY = 4;

export async function devToken(port) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/dev/token`, {
    method: "POST",
    body: JSON.stringify({ sub: "bench", room: "doc/*", role: "editor" }),
  });
  return (await response.json()).token;
}

export class Peer {
  doc = new Y.Doc();
  /** Called with the arrival time of every update frame from the server after sync (and its bytes, for a `readOnly` peer). */
  onUpdate = () => {};
  /** Called if the server closes the socket. */
  onClose = () => {};
  /** A peer that only observes: after the first sync it reads update frames without applying them, so many observers fit in one load generator. */
  readOnly = false;
  /** When (performance.now()) the server's sync step 2 arrived, before this peer applied it: a sync's time apart from the client's own apply. */
  step2ArrivedAt = null;
  /** When the first frame of the server's answer (an update or the step 2) arrived before this peer synced: a server may send its answer as updates ending in a step 2. */
  answerArrivedAt = null;
  /** How many frames and bytes that answer took (updates and the step 2). */
  answerFrames = 0;
  answerBytes = 0;
  #socket;
  #protocol;
  #room;
  #synced;
  #isSynced = false;

  constructor(url, protocol, room) {
    this.#protocol = protocol;
    this.#room = room;
    this.#socket = new BenchWebSocket(url);
    this.#socket.binaryType = "arraybuffer";
    let markSynced;
    this.#synced = new Promise((resolve, reject) => {
      markSynced = resolve;
      this.#socket.onerror = () => reject(new Error(`connection to ${url} failed`));
      this.#socket.onclose = (e) => {
        this.onClose(e);
        reject(new Error(`closed ${e.code} ${e.reason}`));
      };
    });
    let markOpened;
    /** Resolves when the socket opened (the server answered the upgrade). */
    this.opened = new Promise((resolve) => (markOpened = resolve));
    this.#socket.onopen = () => {
      markOpened();
      if (protocol === "raw") return markSynced();
      if (protocol === "hocuspocus") this.#send((e) => (encoding.writeVarUint(e, HOCUSPOCUS_AUTH), encoding.writeVarUint(e, 0), encoding.writeVarString(e, "")));
      this.#send((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeSyncStep1(e, this.doc)));
    };
    this.#socket.onmessage = (event) => {
      const at = performance.now();
      if (protocol === "raw") return this.onUpdate(at, new Uint8Array(event.data));
      const decoder = decoding.createDecoder(new Uint8Array(event.data));
      if (protocol === "hocuspocus") decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (type !== SYNC && type !== HOCUSPOCUS_SYNC_REPLY) return;
      if (this.readOnly && this.#isSynced && decoding.peekVarUint(decoder) === syncProtocol.messageYjsUpdate) {
        decoding.readVarUint(decoder);
        return this.onUpdate(at, decoding.readVarUint8Array(decoder));
      }
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, SYNC);
      if (!this.#isSynced && decoding.peekVarUint(decoder) === syncProtocol.messageYjsSyncStep2) this.step2ArrivedAt = at;
      if (!this.#isSynced && decoding.peekVarUint(decoder) !== syncProtocol.messageYjsSyncStep1) {
        this.answerArrivedAt ??= at;
        this.answerFrames += 1;
        this.answerBytes += event.data.byteLength;
      }
      const step = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
      if (encoding.length(reply) > 1) this.#sendBytes(reply);
      if (step === syncProtocol.messageYjsSyncStep2) {
        this.#isSynced = true;
        markSynced();
      }
      if (step === syncProtocol.messageYjsUpdate) this.onUpdate(at);
    };
  }

  synced() {
    return this.#synced;
  }

  /** Sends the doc's updates since `stateVector` as one frame (a client coalescing its edits). */
  sendSince(stateVector) {
    const update = Y.encodeStateAsUpdate(this.doc, stateVector);
    this.#send((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeUpdate(e, update)));
  }

  /** Sends one Yjs update as its own frame (what stock providers do for every transaction). */
  sendUpdate(update) {
    this.#send((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeUpdate(e, update)));
  }

  sendRaw(bytes) {
    this.#socket.send(bytes);
  }

  close() {
    this.#socket.onclose = null;
    this.#socket.close();
  }

  #send(write) {
    const encoder = encoding.createEncoder();
    write(encoder);
    this.#sendBytes(encoder);
  }

  #sendBytes(encoder) {
    if (this.#protocol === "hocuspocus") {
      const framed = encoding.createEncoder();
      encoding.writeVarString(framed, this.#room);
      encoding.writeUint8Array(framed, encoding.toUint8Array(encoder));
      this.#socket.send(encoding.toUint8Array(framed));
    } else this.#socket.send(encoding.toUint8Array(encoder));
  }
}
