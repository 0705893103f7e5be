// Colyseus as a benchmarked system: its server entry and a load-generator client built on the
// stock @colyseus/sdk (which uses Node 22's global WebSocket), shaped like client.mjs's Peer.
// That WebSocket offers permessage-deflate, but the ws-transport server declines it by default,
// so Colyseus frames are uncompressed, like every other system's (see client.mjs BenchWebSocket).
import { Client, Protocol } from "@colyseus/sdk";
import { nodeServer } from "./pinning.mjs";

/** Fan-out payloads travel as message type 0: one byte of type header, like a raw relay's none. */
const RELAY = 0;
/** The low bits of a frame's first byte are its Protocol code; the high ones are modifiers (PROTOCOL_CODE_MASK). */
const PROTOCOL_CODE_MASK = 0x1f;


/**
 * A fan-out peer: joins the "fanout" room keyed by `room` (joinOrCreate, so every peer of a run
 * lands in the same room) and relays raw bytes. Same constructor and members as client.mjs's Peer.
 */
export class ColyseusPeer {
  /** Called with the arrival time and bytes of every relayed message. */
  onUpdate = () => {};
  /** Called with `{ code, reason }` if the server ends the session. */
  onClose = () => {};
  /** Accepted for shape compatibility with Peer; a Colyseus peer never applies documents. */
  readOnly = false;
  #room = null;
  #joined;
  #isClosed = false;

  constructor(url, _protocol, room) {
    this.#joined = new Client(url).joinOrCreate("fanout", { key: room }).then((joined) => {
      this.#room = joined;
      // A load generator does not reconnect, like client.mjs's raw sockets.
      joined.reconnection.enabled = false;
      joined.onMessage(RELAY, (bytes) => this.onUpdate(performance.now(), bytes));
      joined.onLeave((code, reason) => this.#isClosed || this.onClose({ code, reason }));
      if (this.#isClosed) void joined.leave().catch(() => {});
    });
  }

  synced() {
    return this.#joined;
  }

  sendRaw(bytes) {
    this.#room.sendBytes(RELAY, bytes);
  }

  close() {
    this.#isClosed = true;
    void this.#room?.leave().catch(() => {});
  }
}

/** For SYSTEMS in systems.mjs. `Peer` is the client class to use instead of client.mjs's Peer. */
export const colyseusSystem = {
  protocol: "colyseus",
  start: (port) => nodeServer("colyseus.mjs", port),
  url: (port) => `http://127.0.0.1:${port}`,
  Peer: ColyseusPeer,
};

/**
 * Calls `onFrame(at, bytes, code)` for every frame the room receives, before the SDK decodes it,
 * so a scenario can size state patches. Call right after the join resolves: the SDK resolves on
 * JOIN_ROOM, and the first full state arrives in a later frame.
 */
export function tapFrames(room, onFrame) {
  const decode = room.connection.events.onmessage;
  room.connection.events.onmessage = (event) => {
    const at = performance.now();
    const data = event.data;
    onFrame(at, data.byteLength, new Uint8Array(data, 0, 1)[0] & PROTOCOL_CODE_MASK);
    decode(event);
  };
}

export { Client, Protocol };
