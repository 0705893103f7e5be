import type { RoomSocket } from "../engine/ports.ts";
import type { ReadyConnection } from "./gameTicker.ts";

/**
 * The room's welcomed connections by `sub`, so a hello (and a player's close) finds the same
 * player's other connection without walking every socket of the room: that walk was O(N) per
 * join, O(N²) as a room of 100 filled in a join storm. Built from the ready connections on first
 * use after a start or a wake (`readAll`, one walk per instance), then kept by `ready` and `forget`,
 * which the engine calls where a connection is welcomed and where its close arrives. A socket the
 * room closed (4409 replaced) stays until its close event but is never returned: `isOpen` says so.
 */
export class ReadyPlayers {
  #bySub: Map<string, Map<string, RoomSocket>> | null = null;
  /** Each indexed socket's sub, so a close needs only the socket id. */
  readonly #subOf = new Map<string, string>();

  constructor(private readonly readAll: () => readonly ReadyConnection[]) {}

  /** The connection was welcomed. */
  ready(sub: string, socket: RoomSocket): void {
    const index = this.#index();
    let sockets = index.get(sub);
    if (!sockets) index.set(sub, (sockets = new Map()));
    sockets.set(socket.id, socket);
    this.#subOf.set(socket.id, sub);
  }

  /** The connection closed. */
  forget(socketId: string): void {
    const sub = this.#subOf.get(socketId);
    if (sub === undefined) return;
    this.#subOf.delete(socketId);
    const sockets = this.#bySub?.get(sub);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.#bySub?.delete(sub);
  }

  /** An open welcomed connection of `sub` other than `exceptId`, if any. */
  otherOf(sub: string, exceptId: string): RoomSocket | undefined {
    for (const socket of this.#index().get(sub)?.values() ?? []) {
      if (socket.id !== exceptId && socket.isOpen) return socket;
    }
    return undefined;
  }

  #index(): Map<string, Map<string, RoomSocket>> {
    if (this.#bySub) return this.#bySub;
    this.#bySub = new Map();
    for (const { socket, state } of this.readAll()) this.ready(state.sub, socket);
    return this.#bySub;
  }
}
