/**
 * Presence (y-protocols awareness) states as the room checks and rewrites them. Each travels
 * as a JSON string inside a binary awareness frame; the room parses it, refuses what is not a
 * JSON object, and writes the sender's verified identity into its `user` field, so a peer
 * shows the name from the sender's token, not one the sender typed.
 */

/** A presence state: a JSON object. `null` on the wire means its client left. */
export type PresenceState = Record<string, unknown>;

/** Who the room knows a sender to be: the token's `sub`, and its `name` (the `sub` when the token has none). */
export interface PresenceIdentity {
  id: string;
  name: string;
}

/** The only colour form presence may carry to a page: `#rrggbb`. Anything else could inject CSS where it is drawn. */
const PRESENCE_COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * `user` fields that editor bindings draw as CSS colours (y-codemirror.next and y-prosemirror read
 * `color` and `colorLight` into a style attribute). The room drops any that is not `#rrggbb`; the
 * bindings then fall back to their default, and derive `colorLight` from `color`.
 */
const COLOR_FIELDS: ReadonlySet<string> = new Set(["color", "colorLight"]);

export function isPresenceColor(value: unknown): value is string {
  return typeof value === "string" && PRESENCE_COLOR.test(value);
}

export type PresenceParse = { ok: true; state: PresenceState | null } | { ok: false; error: string };

/** Parses one state as a client encoded it: a JSON object, or `null` (the client left). */
export function decodePresenceState(json: string): PresenceParse {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  if (value === null) return { ok: true, state: null };
  if (!isPlainObject(value)) return { ok: false, error: "not a JSON object" };
  return { ok: true, state: value };
}

/**
 * The state with `user.id` and `user.name` set from the sender's identity, keeping the client's
 * other `user` fields except colours that are not `#rrggbb`.
 */
export function stampPresence(state: PresenceState, who: PresenceIdentity): PresenceState {
  const claimed = isPlainObject(state.user) ? withoutUnsafeColors(state.user) : {};
  return { ...state, user: { ...claimed, id: who.id, name: who.name } };
}

/**
 * A state's JSON with `user.color` and `user.colorLight` dropped unless they are `#rrggbb`; other
 * input is returned as it is. The SDK passes every state it receives through this before an
 * editor binding can draw it, whatever the server did.
 */
export function withSafePresenceColors(json: string): string {
  const parsed = decodePresenceState(json);
  if (!parsed.ok || parsed.state === null || !isPlainObject(parsed.state.user)) return json;
  const user = parsed.state.user;
  if (![...COLOR_FIELDS].some((key) => key in user && !isPresenceColor(user[key]))) return json;
  return encodePresenceState({ ...parsed.state, user: withoutUnsafeColors(user) });
}

function withoutUnsafeColors(user: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(Object.entries(user).filter(([key, value]) => !COLOR_FIELDS.has(key) || isPresenceColor(value)));
}

export function encodePresenceState(state: PresenceState): string {
  return JSON.stringify(state);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
