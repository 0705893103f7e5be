import { encodeGameMessage, type ServerGameMessage } from "../../protocol/index.ts";
import type { RoomSocket } from "../engine/ports.ts";

type Welcome = Extract<ServerGameMessage, { type: "welcome" }>;

/**
 * The welcomes of a group of hellos (helloGroups.ts), sent once every hello of the group has its
 * seat, so the view they carry is computed and JSON-encoded once per group (per player for a game
 * whose view depends on the player), not once per welcome: each was the room's whole view, O(N) per
 * join and O(N²) as a room of 100 filled in a join storm. A welcome's view is then the state after
 * the group's joins, which the next tick would show anyway. Outside a group each welcome goes at once.
 */
export class WelcomeGroup {
  #held: { socket: RoomSocket; send: () => void }[] | null = null;
  #views: Map<string | null, { view: unknown; json: string }> | null = null;

  /** Runs `answer` (a group's hellos) holding their welcomes, then sends them; `onError` for one that throws. */
  around(answer: () => void, onError: (socket: RoomSocket, error: unknown) => void): void {
    const held: { socket: RoomSocket; send: () => void }[] = [];
    this.#held = held;
    try {
      answer();
    } finally {
      this.#held = null;
      this.#views = new Map();
      for (const { socket, send } of held) {
        try {
          send();
        } catch (error) {
          onError(socket, error);
        }
      }
      this.#views = null;
    }
  }

  /** Sends the welcome now, or once the group's hellos are all seated. */
  later(socket: RoomSocket, send: () => void): void {
    if (this.#held) this.#held.push({ socket, send });
    else send();
  }

  /** The view for `key` (a player's sub, or null for the shared view) and its JSON, once per group. */
  view(key: string | null, compute: () => unknown): { view: unknown; json: string } {
    const known = this.#views?.get(key);
    if (known) return known;
    const view = compute();
    const entry = { view, json: JSON.stringify(view) ?? "null" };
    this.#views?.set(key, entry);
    return entry;
  }
}

/** A welcome's frame around a view already encoded: `view` goes last, as encodeGameMessage would put it. */
export function welcomeFrame(fields: Omit<Welcome, "view">, viewJson: string): string {
  return `${encodeGameMessage({ ...fields, view: null }).slice(0, -"null}".length)}${viewJson}}`;
}
