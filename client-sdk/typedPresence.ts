/**
 * Typed presence on top of y-protocols awareness. What `set` writes are ordinary top-level
 * awareness fields, so a stock y-websocket peer sees them as it sees any awareness state; the
 * `user` field is the room's: it writes `user.id` and `user.name` from the sender's token into
 * every state it relays, and `others()` takes identity only from there.
 */
import type { Awareness } from "y-protocols/awareness";
import { isPresenceColor } from "../protocol/presence.ts";

/**
 * Checks a peer's presence fields (everything but `user`) and returns the typed state, or null
 * when they do not fit. Peers' states are written by other people's clients, so they are checked
 * like any input; write it by hand (the SDK ships no schema library).
 *
 * @example
 * ```ts
 * const decodeCursor: PresenceDecoder<{ cursor: number }> = (raw) =>
 *   Number.isSafeInteger(raw.cursor) ? { cursor: raw.cursor as number } : null;
 * ```
 */
export type PresenceDecoder<State> = (raw: Readonly<Record<string, unknown>>) => State | null;

/**
 * Another client present in the room, as the room vouches for it.
 *
 * @example
 * ```ts
 * for (const peer of presence.others()) label(peer.name, peer.color ?? "#888888", peer.state?.cursor);
 * ```
 */
export interface PresencePeer<State> {
  /** The awareness client id (one per tab). */
  clientId: number;
  /** The `sub` of the peer's token, as the room wrote it. */
  id: string;
  /** The `name` of the peer's token (its `sub` when it has none), as the room wrote it. */
  name: string;
  /** `user.color` when it is `#rrggbb`, else null. */
  color: string | null;
  /** The peer's fields as the decoder accepted them; null when they do not decode (or it has set none the decoder accepts). */
  state: State | null;
}

/**
 * What changed, in awareness client ids; `local` when the change is our own `set`.
 *
 * @example
 * ```ts
 * presence.on("change", ({ removed }) => removed.forEach(dropCursor));
 * ```
 */
export interface PresenceChange {
  added: number[];
  updated: number[];
  removed: number[];
  local: boolean;
}

/**
 * Listens for presence changes.
 *
 * @example
 * ```ts
 * const listener: PresenceListener = () => render(presence.others());
 * ```
 */
export type PresenceListener = (change: PresenceChange) => void;

/** The awareness field the room owns; `set` refuses it. */
const ROOM_FIELD = "user";

/**
 * Typed presence for one document: made by `provider.presence(decode)`.
 *
 * @example
 * ```ts
 * const presence = provider.presence<{ cursor: number }>((raw) =>
 *   Number.isSafeInteger(raw.cursor) ? { cursor: raw.cursor as number } : null,
 * );
 * presence.set({ cursor: 3 });
 * const off = presence.on("change", () => {
 *   for (const peer of presence.others()) console.log(peer.name, peer.state?.cursor);
 * });
 * ```
 */
export class Presence<State extends object = Record<string, unknown>> {
  readonly #awareness: Awareness;
  readonly #decode: PresenceDecoder<State>;
  readonly #listeners = new Set<PresenceListener>();

  /** Without a decoder, a peer's state is its raw fields (typed as `Record<string, unknown>`). */
  constructor(awareness: Awareness, decode?: PresenceDecoder<State>) {
    this.#awareness = awareness;
    this.#decode = decode ?? ((raw) => ({ ...raw }) as State);
  }

  /**
   * Merges `partial` into our presence (top-level awareness fields) and sends it.
   *
   * @example
   * ```ts
   * presence.set({ cursor: editor.selectionStart });
   * ```
   */
  set(partial: Partial<State>): void {
    if (Object.hasOwn(partial, ROOM_FIELD)) {
      throw new TypeError("presence field `user` is written by the room from the token; set the colour with awareness.setLocalStateField");
    }
    this.#awareness.setLocalState({ ...(this.#awareness.getLocalState() ?? {}), ...partial });
  }

  /**
   * Our own presence fields as last set (without `user`).
   *
   * @example
   * ```ts
   * const { cursor } = presence.get();
   * ```
   */
  get(): Partial<State> {
    const { [ROOM_FIELD]: _user, ...fields } = this.#awareness.getLocalState() ?? {};
    return fields as Partial<State>;
  }

  /**
   * Everyone else in the room whose state the room stamped with a token identity; states without
   * that stamp did not come through an Edgeroom room and are left out.
   *
   * @example
   * ```ts
   * list.replaceChildren(...presence.others().map((peer) => item(peer.name)));
   * ```
   */
  others(): PresencePeer<State>[] {
    const peers: PresencePeer<State>[] = [];
    for (const [clientId, raw] of this.#awareness.getStates()) {
      if (clientId === this.#awareness.clientID) continue;
      const { [ROOM_FIELD]: user, ...fields } = raw;
      if (typeof user !== "object" || user === null) continue;
      const { id, name, color } = user as Record<string, unknown>;
      if (typeof id !== "string" || typeof name !== "string") continue;
      peers.push({ clientId, id, name, color: isPresenceColor(color) ? color : null, state: this.#decode(fields) });
    }
    return peers;
  }

  /**
   * Calls `listener` when anyone's presence changes (not on unchanged keep-alive renewals).
   * Returns the function that unsubscribes.
   *
   * @example
   * ```ts
   * const off = presence.on("change", () => render(presence.others()));
   * ```
   */
  on(event: "change", listener: PresenceListener): () => void {
    if (this.#listeners.size === 0) this.#awareness.on(event, this.#onChange);
    this.#listeners.add(listener);
    return () => this.off(event, listener);
  }

  /**
   * Stops calling `listener`.
   *
   * @example
   * ```ts
   * presence.off("change", render);
   * ```
   */
  off(event: "change", listener: PresenceListener): void {
    if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
    this.#awareness.off(event, this.#onChange);
  }

  readonly #onChange = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const change = { added, updated, removed, local: origin === "local" };
    for (const listener of [...this.#listeners]) listener(change);
  };
}
