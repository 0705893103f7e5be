import type { Connection } from "partyserver";
import type { RoomSocket } from "../engine/ports.ts";
import { socketOf } from "./sockets.ts";

/**
 * The WebSockets one room instance accepted or heard from, as its sockets. partyserver deserializes a
 * WebSocket's attachment on every message to check it is one of its own: at 100 game players sending
 * 20 inputs a second that was a game room's largest cost in JavaScript (14% of its CPU), and each client of a
 * document join storm took two (its sync step 1 and step 2). A socket this instance knows is one of
 * its own, so its message skips that check (`serve`).
 *
 * Per instance: a new one (after a wake, or a reset of the object) starts empty, and the first message
 * of each socket takes partyserver's path, which also starts the instance first (`onStart`). An entry
 * is only added from onConnect and onMessage, which partyserver calls once the instance is started.
 */
export class KnownSockets {
  readonly #sockets = new WeakMap<WebSocket, RoomSocket>();

  /** The connection's socket, remembered as this instance's own. */
  remember(connection: Connection): RoomSocket {
    const socket = socketOf(connection);
    this.#sockets.set(connection, socket);
    return socket;
  }

  /** The socket of a WebSocket this instance knows, or undefined (partyserver's path must take it). */
  get(ws: WebSocket): RoomSocket | undefined {
    return this.#sockets.get(ws);
  }
}
