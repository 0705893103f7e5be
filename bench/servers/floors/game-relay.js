// The platform's floor for a 20 Hz game room: what a Durable Object on workerd costs to take each
// player's input and send every player one frame a tick, with no rules, no validation, no auth and
// no storage. It speaks just enough of Edgeroom's game protocol for bench/gamePlayers.mjs's
// EdgeroomPlayer: `hello` is answered with a welcome, an input's seq is read (JSON.parse, the least a
// server must do to acknowledge it), and each tick sends a binary frame with Edgeroom's head (kind,
// the player's ack, the tick; protocol/gameWire.ts) and a shared body of Edgeroom's measured size.
// Joins go through a matchmaker Durable Object that only counts, the least a quick join needs on a
// platform of many isolates. Bundled and served by bench/servers/floor-workerd.mjs.
import { DurableObject } from "cloudflare:workers";

const TICK_MS = 50;
/**
 * The shared part of each frame: Edgeroom's binary2 frames at 100 players are 517-531 bytes per
 * client per tick (BENCHMARKS.md), of which the head is 4-6.
 */
const BODY_BYTES = 520;
/** Players per room, as Edgeroom's `crowd`. */
const SEATS = 100;
/** Edgeroom's head: a delta (kind 1) that carries an ack (0x80). */
const DELTA_WITH_ACK = 0x81;

/** Writes `n` as an unsigned LEB128 varint at `offset`; returns the offset after it. */
function writeUvarint(bytes, offset, n) {
  while (n >= 0x80) {
    bytes[offset++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  bytes[offset++] = n;
  return offset;
}

export class GameRelay extends DurableObject {
  /** socket -> the last input seq it sent. */
  #players = new Map();
  #tick = 0;
  #timer = null;
  #body = new Uint8Array(BODY_BYTES);

  fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => this.#onMessage(server, event.data));
    server.addEventListener("close", () => this.#leave(server));
    server.addEventListener("error", () => this.#leave(server));
    return new Response(null, { status: 101, webSocket: client });
  }

  #onMessage(socket, data) {
    if (typeof data !== "string") return;
    const message = JSON.parse(data);
    if (message.type === "input") {
      if (this.#players.has(socket)) this.#players.set(socket, message.seq);
    } else if (message.type === "hello") {
      this.#players.set(socket, 0);
      socket.send('{"type":"welcome"}');
      this.#timer ??= setInterval(() => this.#step(), TICK_MS);
    }
  }

  #step() {
    this.#tick += 1;
    // The shared part changes every tick, as a game's view does; it is written once for all players.
    this.#body[0] = this.#tick & 0xff;
    for (const [socket, ack] of this.#players) {
      const frame = new Uint8Array(12 + BODY_BYTES);
      frame[0] = DELTA_WITH_ACK;
      let offset = writeUvarint(frame, 1, ack);
      offset = writeUvarint(frame, offset, this.#tick);
      frame.set(this.#body, offset);
      try {
        socket.send(frame.subarray(0, offset + BODY_BYTES));
      } catch {
        this.#leave(socket);
      }
    }
  }

  #leave(socket) {
    this.#players.delete(socket);
    if (this.#players.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}

export class Matchmaker extends DurableObject {
  #joined = 0;

  /** The room for the next player: rooms fill in turn, `SEATS` each. */
  next() {
    return `m${Math.floor(this.#joined++ / SEATS)}`;
  }
}

export default {
  /**
   * `/v1/health` for the bench's readiness probe; `POST /v1/dev/token` (any token will do: the floor
   * checks none); `POST /v1/match/<game>` picks a room; `/v1/game/<game>/<room>` upgrades to it.
   */
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/v1/health") return new Response("ok");
    if (pathname === "/v1/dev/token" && request.method === "POST") return Response.json({ token: "floor" });
    if (pathname.startsWith("/v1/match/") && request.method === "POST") {
      const roomId = await env.Matchmaker.get(env.Matchmaker.idFromName(pathname)).next();
      return Response.json({ roomId });
    }
    if (pathname.startsWith("/v1/game/") && request.headers.get("Upgrade") === "websocket") {
      return env.GameRelay.get(env.GameRelay.idFromName(pathname)).fetch(request);
    }
    return new Response("not found", { status: 404 });
  },
};
