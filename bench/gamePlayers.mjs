// The game scenarios' players: one per system, both with the same members. `first` resolves with
// the player's first state; `onState(at, bytes, tick, ack, isFull)` runs per state message after it,
// `onFrame(at, bytes)` per frame of any kind; `send(seq, dx, dy)` sends one move; `close()` leaves.
import { BenchWebSocket } from "./client.mjs";
import { Client, Protocol, tapFrames } from "./colyseusClient.mjs";
// Node 22 strips the types of this .ts import itself (the bench runs on the project's pinned Node).
import { PROTOCOL_VERSION as EDGEROOM_PROTOCOL } from "../protocol/version.ts";
/** Edgeroom encodes `{type, tick, ack, ...}` (full: `{type, matchId, tick, ack, ...}`) in this order, so the head holds both. */
const STATE_HEAD = /^\{"type":"(delta|full)",(?:"matchId":(?:null|"[^"]*"),)?"tick":(\d+),"ack":(\d+)/;

/** A development token for one player of any game room (POST /v1/dev/token, see server/routes/devToken.ts). */
export async function gameToken(port, sub) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/dev/token`, {
    method: "POST",
    body: JSON.stringify({ sub, room: "game/*", role: "player" }),
  });
  if (!response.ok) throw new Error(`dev token: ${response.status}`);
  return (await response.json()).token;
}

/** POST /v1/match/crowd for a quick join, as `token`'s player: the Response, unread. */
export function quickMatch(port, token) {
  return fetch(`http://127.0.0.1:${port}/v1/match/crowd`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ mode: "quick" }) });
}

/**
 * An Edgeroom player on a raw WebSocket, speaking protocol/gameMessages.ts. It reads tick and ack
 * from the head of each frame instead of parsing the whole view, so the load generator stays light.
 */
export class EdgeroomPlayer {
  /** (at, bytes, tick, ack, isFull) per state message after the welcome. */
  onState = () => {};
  /** (at, bytes) per frame of any kind. */
  onFrame = () => {};
  closedUnexpectedly = 0;
  /** Code and reason of the first close the player did not ask for. */
  closedWith = null;
  errors = 0;
  #socket;

  /** `wire`: "json" (the default), "binary" or "binary2" (protocol/gameWire.ts), asked for in hello. */
  constructor(url, wire = "json") {
    // Uncompressed frames, as every bench client uses (see BenchWebSocket): the sizes measured are the payloads.
    this.#socket = new BenchWebSocket(url);
    let opened;
    /** Resolves when the upgrade is answered (bench/gameStormPhases.mjs times it). */
    this.opened = new Promise((resolve) => (opened = resolve));
    this.first = new Promise((resolve, reject) => {
      this.#socket.onopen = () => {
        opened();
        this.#socket.send(JSON.stringify({ type: "hello", protocol: EDGEROOM_PROTOCOL, wire }));
      };
      this.#socket.onerror = () => reject(new Error("connection failed"));
      this.#socket.onclose = (e) => {
        this.closedUnexpectedly += 1;
        this.closedWith ??= `${e.code} ${e.reason}`;
        reject(new Error(`closed ${e.code} ${e.reason}`));
      };
      this.#socket.onmessage = (event) => {
        const at = performance.now();
        const text = event.data;
        if (typeof text !== "string") {
          this.onFrame(at, text.length);
          const head = readBinaryHead(text);
          return this.onState(at, text.length, head.tick, head.ack, head.isFull);
        }
        const bytes = Buffer.byteLength(text);
        this.onFrame(at, bytes);
        const head = STATE_HEAD.exec(text.slice(0, 160));
        if (head) return this.onState(at, bytes, Number(head[2]), Number(head[3]), head[1] === "full");
        if (text === PROBE) return this.#socket.send(PROBE); // proof of reading, as every client gives it
        if (text.startsWith('{"type":"welcome"')) resolve({ at, roomId: JSON.parse(text).roomId ?? null });
        else if (text.startsWith('{"type":"error"')) this.errors += 1;
      };
    });
  }

  send(seq, dx, dy) {
    this.#socket.send(JSON.stringify({ type: "input", seq, input: { type: "move", dx, dy } }));
  }

  close() {
    this.#socket.onclose = null;
    this.#socket.close();
  }
}

/** A Colyseus player on the stock SDK: state is decoded by the SDK, frames are sized before it. */
export class ColyseusPlayer {
  onState = () => {};
  onFrame = () => {};
  closedUnexpectedly = 0;
  closedWith = null;
  errors = 0;
  #room = null;
  #isClosed = false;

  constructor(url, key) {
    this.first = new Client(url).joinOrCreate("arena", { key }).then((room) => {
      this.#room = room;
      // A load generator does not reconnect (nor does Edgeroom's raw socket here).
      room.reconnection.enabled = false;
      room.onLeave((code, reason) => {
        this.closedUnexpectedly += 1;
        this.closedWith ??= `${code} ${reason ?? ""}`;
      });
      room.onError(() => (this.errors += 1));
      let frame = { at: 0, bytes: 0, code: 0 };
      tapFrames(room, (at, bytes, code) => {
        frame = { at, bytes, code };
        this.onFrame(at, bytes);
      });
      // Closed while joining (a failed or timed-out run): leave now, quietly.
      if (this.#isClosed) this.close();
      return new Promise((resolve) => {
        room.onStateChange((state) => {
          if (frame.code === Protocol.ROOM_STATE) return resolve({ at: frame.at, roomId: room.roomId });
          const ack = state.players.get(room.sessionId)?.ack ?? 0;
          this.onState(frame.at, frame.bytes, state.tick, ack, false);
        });
      });
    });
  }

  send(seq, dx, dy) {
    this.#room.send("move", { seq, dx, dy });
  }

  /** Resolves once the server has seen the leave. */
  close() {
    this.#isClosed = true;
    this.#room?.onLeave.clear();
    return this.#room?.leave().catch(() => {});
  }
}

const PROBE = JSON.stringify({ type: "probe" });

/** Kind, ack and tick from the head of a binary game frame (protocol/gameWire.ts), without decoding the view. */
function readBinaryHead(bytes) {
  let offset = 1;
  const uvarint = () => {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      const b = bytes[offset++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
    }
  };
  const ack = bytes[0] & 0x80 ? uvarint() : 0;
  // binary2: the tick's events (a length-prefixed JSON string) come before the tick.
  if (bytes[0] & 0x40) {
    const length = uvarint(); // read first: `offset += uvarint()` would add to the offset from before the length
    offset += length;
  }
  return { isFull: (bytes[0] & 0x3f) === 2, ack, tick: uvarint() };
}
