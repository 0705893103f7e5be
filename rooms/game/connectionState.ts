import { z } from "zod";
import { GameRole, GameWire } from "../../protocol/index.ts";
import type { RoomSocket } from "../engine/ports.ts";

/** Per-connection state of a game room, in the socket attachment so it survives hibernation. */
export const GameConnectionState = z.object({
  sub: z.string(),
  name: z.string().optional(),
  role: GameRole,
  /** The connection said hello and was welcomed. */
  isReady: z.boolean(),
  connectedAt: z.number(),
  /** When the connection's token expires, in ms since the epoch: the room closes it then with 4440. */
  tokenExpiresAt: z.number(),
  /** The wire it asked for in hello; absent (JSON) in attachments from before the binary wire. */
  wire: GameWire.optional(),
});
export type GameConnectionState = z.infer<typeof GameConnectionState>;

/**
 * Each connection's state, parsed from its attachment once and then kept: the tick loop reads
 * every connection's state 20 times a second, and an attachment read is a structured clone.
 */
export class ConnectionStates {
  readonly #states = new Map<string, GameConnectionState>();

  get(socket: RoomSocket): GameConnectionState | null {
    let state = this.#states.get(socket.id);
    if (!state) {
      const parsed = GameConnectionState.safeParse(socket.attachment);
      if (!parsed.success) return null;
      this.#states.set(socket.id, (state = parsed.data));
    }
    return state;
  }

  set(socket: RoomSocket, state: GameConnectionState): void {
    socket.attach(state);
    this.#states.set(socket.id, state);
  }

  forget(connectionId: string): void {
    this.#states.delete(connectionId);
  }
}
