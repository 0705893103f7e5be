import type { Connection } from "partyserver";
import type { RoomSocket } from "../engine/ports.ts";

/**
 * One RoomSocket per partyserver Connection, kept as long as the Connection lives, so a fan-out to
 * every socket allocates nothing per send. The attachment is the connection's state, which
 * partyserver keeps in the WebSocket's serialized attachment: it survives hibernation.
 */
const adapters = new WeakMap<Connection, RoomSocket>();

export function socketOf(connection: Connection): RoomSocket {
  let socket = adapters.get(connection);
  if (!socket) adapters.set(connection, (socket = new ConnectionSocket(connection)));
  return socket;
}

/** The partyserver Connection behind a socket this module made. */
export function connectionOf(socket: RoomSocket): Connection {
  if (!(socket instanceof ConnectionSocket)) throw new Error("not a Durable Object connection");
  return socket.connection;
}

/**
 * The turn sockets' open states were last read in: bumped by a microtask once the synchronous run
 * that read them ends. A socket's state changes between turns (its close event), or in a turn only by
 * the room's own close (see ConnectionSocket.close), so an open state read once holds for the turn:
 * a tick asks each socket's open state for its list and again per send (a call into the runtime).
 */
let turn = 0;
let isTurnEnding = false;
function currentTurn(): number {
  if (!isTurnEnding) {
    isTurnEnding = true;
    queueMicrotask(() => {
      turn += 1;
      isTurnEnding = false;
    });
  }
  return turn;
}

class ConnectionSocket implements RoomSocket {
  #id: string | undefined;
  /** The turn this socket was last seen open in, or -1. */
  #openInTurn = -1;
  #isClosedByRoom = false;
  constructor(readonly connection: Connection) {}

  /**
   * Read once: partyserver's getter looks it up in the connection's attachment each time, and a game
   * tick asks every connection's id several times (states, baselines, telemetry, read proof).
   */
  get id(): string {
    return (this.#id ??= this.connection.id);
  }

  get isOpen(): boolean {
    if (this.#isClosedByRoom) return false;
    const now = currentTurn();
    if (this.#openInTurn === now) return true;
    const isOpen = this.connection.readyState === WebSocket.OPEN;
    if (isOpen) this.#openInTurn = now;
    return isOpen;
  }

  send(data: string | Uint8Array): void {
    this.connection.send(data);
  }

  close(code: number, reason: string): void {
    this.#isClosedByRoom = true;
    this.connection.close(code, reason);
  }

  get attachment(): unknown {
    return this.connection.state;
  }

  attach(value: unknown): void {
    this.connection.setState(value);
  }
}
