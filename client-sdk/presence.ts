import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Awareness } from "y-protocols/awareness";
import { isPresenceColor, withSafePresenceColors } from "../protocol/presence.ts";

/**
 * A colour from presence that is safe to put in a style: `value` when it is `#rrggbb`, else
 * `fallback`. Presence is written by other people's clients; a colour like
 * `red;background:url(...)` placed in a style attribute would inject CSS.
 *
 * @example
 * ```ts
 * swatch.style.background = safeColor(state.user?.color, "#888888");
 * ```
 */
export function safeColor(value: unknown, fallback: string): string {
  if (!isPresenceColor(fallback)) throw new TypeError(`fallback colour must be #rrggbb, got "${fallback}"`);
  return isPresenceColor(value) ? value : fallback;
}

/** One person present in a document room, as the room vouches for them. */
export interface PresentPerson {
  /** The awareness client id (one per tab). */
  clientId: number;
  /** Whether this is the local client. */
  isSelf: boolean;
  /** The `sub` of their token; null for the local client, whose state the room has not stamped. */
  id: string | null;
  /** The `name` of their token (its `sub` when it has none); for the local client, what it set. */
  name: string;
  /** Their colour as `#rrggbb`, or the fallback. */
  color: string;
}

/**
 * The people present in a room, read from presence. An Edgeroom room writes `user.id` and
 * `user.name` into every state it relays from the sender's token, so the names here are the
 * ones the tokens carry, never ones a client typed. A remote state without them did not come
 * through an Edgeroom room and is left out.
 *
 * @example
 * ```ts
 * for (const person of presentPeople(provider.awareness)) {
 *   item.textContent = person.isSelf ? `${person.name} (you)` : person.name;
 *   swatch.style.background = person.color;
 * }
 * ```
 */
export function presentPeople(awareness: Awareness, fallbackColor = "#888888"): PresentPerson[] {
  const people: PresentPerson[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user: unknown = state.user;
    if (typeof user !== "object" || user === null) continue;
    const isSelf = clientId === awareness.clientID;
    const id = "id" in user && typeof user.id === "string" ? user.id : null;
    const name = "name" in user && typeof user.name === "string" ? user.name : null;
    if (name === null || (!isSelf && id === null)) continue;
    const color = safeColor("color" in user ? user.color : undefined, fallbackColor);
    people.push({ clientId, isSelf, id: isSelf ? null : id, name, color });
  }
  return people;
}

/**
 * An awareness update with every state's `user.color` and `user.colorLight` dropped unless
 * they are `#rrggbb`, so an editor binding that draws them (y-codemirror.next puts them in a
 * style attribute) never sees anything else. The room drops them too; this holds whatever
 * server the update came from.
 */
export function withSafeColors(update: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  encoding.writeVarUint(encoder, count);
  for (let i = 0; i < count; i++) {
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder));
    encoding.writeVarUint(encoder, decoding.readVarUint(decoder));
    encoding.writeVarString(encoder, withSafePresenceColors(decoding.readVarString(decoder)));
  }
  return encoding.toUint8Array(encoder);
}
