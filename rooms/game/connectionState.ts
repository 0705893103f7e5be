import type { Connection } from "partyserver";
import { z } from "zod";
import { GameRole } from "../../protocol/index.ts";

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
});
export type GameConnectionState = z.infer<typeof GameConnectionState>;

/**
 * Each connection's state, parsed from its attachment once and then kept: the tick loop reads
 * every connection's state 20 times a second, and an attachment read is a structured clone.
 */
export class ConnectionStates {
  readonly #states = new Map<string, GameConnectionState>();

  get(connection: Connection): GameConnectionState | null {
    let state = this.#states.get(connection.id);
    if (!state) {
      const parsed = GameConnectionState.safeParse(connection.state);
      if (!parsed.success) return null;
      this.#states.set(connection.id, (state = parsed.data));
    }
    return state;
  }

  set(connection: Connection, state: GameConnectionState): void {
    connection.setState(state);
    this.#states.set(connection.id, state);
  }

  forget(connectionId: string): void {
    this.#states.delete(connectionId);
  }
}
