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
 * How long, in ms, an open state read from the runtime is trusted. A tick asked every socket's state
 * for its list and again per send, and every input asked once: at 100 players that was a fifth of the
 * room's JavaScript time (each read is a call into the runtime). Trusting it for a while is safe: the
 * room's own close counts at once (close below), a peer's close reaches the room as its close event,
 * which drops the socket from the room's list (SocketList.remove), and a send that finds the socket
 * closed meanwhile is dropped, not thrown (send below). This read only catches a socket that closed
 * without its event reaching the room yet.
 */
export const OPEN_STATE_TRUSTED_MS = 1_000;

class ConnectionSocket implements RoomSocket {
  #id: string | undefined;
  /** Until when (epoch ms) the open state last read from the runtime is trusted. */
  #openUntil = 0;
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
    const now = Date.now();
    if (now < this.#openUntil) return true;
    const isOpen = this.connection.readyState === WebSocket.OPEN;
    this.#openUntil = isOpen ? now + OPEN_STATE_TRUSTED_MS : 0;
    return isOpen;
  }

  send(data: string | Uint8Array): void {
    try {
      this.connection.send(data);
    } catch (error) {
      // Closed since its open state was read (the runtime answered the peer's close): dropped, as
      // for any socket that closes with frames in flight; its close event follows.
      if (this.connection.readyState === WebSocket.OPEN) throw error;
      this.#openUntil = 0;
    }
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
