import { z } from "zod";
import { DocRole } from "../../protocol/index.ts";
import type { RoomSocket } from "../engine/ports.ts";

/**
 * What a room keeps per connection. It lives in the socket attachment, so it survives
 * hibernation, and it is parsed again after every wake. Attachments are limited to a
 * few KB: keep this small.
 */
export const DocConnectionState = z.object({
  sub: z.string(),
  name: z.string().optional(),
  role: DocRole,
  /**
   * The connection completed its handshake: a valid first frame, the SDK's `hello` or any
   * y-protocols message (stock clients send a sync step 1 on open). One that has not within
   * RoomLimits.HANDSHAKE_TIMEOUT_MS is closed with 4408.
   */
  isReady: z.boolean(),
  /** The connection said `hello`: it speaks the control protocol and gets `saved` acks. */
  isSdk: z.boolean(),
  /**
   * The connection came through /parties/{party}/{room} (y-partyserver's YProvider, partysocket):
   * it takes y-partyserver's `__YPS:` custom messages. Defaults to false for sockets accepted
   * before the field existed.
   */
  isParty: z.boolean().default(false),
  /** Update frames received from this connection since its `hello`, so `saved` can name the last durable one (SDK connections only). */
  updateSeq: z.number().int().nonnegative(),
  /** Awareness client ids this connection speaks for, with the last clock seen. */
  awareness: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()),
  connectedAt: z.number(),
  /** When the connection's token expires, in ms since the epoch: the room closes it then with 4440. */
  tokenExpiresAt: z.number(),
});
export type DocConnectionState = z.infer<typeof DocConnectionState>;

/** The last attachment parsed per socket, and what it parsed to (null: not a document connection's). */
interface ParsedState {
  attachment: unknown;
  state: DocConnectionState | null;
}
const parsed = new WeakMap<RoomSocket, ParsedState>();

/**
 * A socket's state, parsed once per attachment rather than at every frame: a room with a few
 * hundred sockets reads states on its hot paths (every frame a socket sends, every custom message
 * sent past the others), and a zod parse each time was per-connection work on every turn. The
 * cache holds while the socket's attachment is the same value; any write through setDocState, or
 * a new socket object after a wake, parses again.
 */
export function docStateOf(socket: RoomSocket): DocConnectionState | null {
  const attachment = socket.attachment;
  const entry = parsed.get(socket);
  if (entry && entry.attachment === attachment) return entry.state;
  const result = DocConnectionState.safeParse(attachment);
  return remember(socket, attachment, result.success ? result.data : null);
}

/**
 * Changes a socket's state in memory only: docStateOf returns it until the attachment changes. Its
 * caller must write it with setDocState before the room may hibernate (a pending Scheduler.later
 * keeps the room loaded), or a woken room reads the attachment's older state.
 */
export function keepDocState(socket: RoomSocket, state: DocConnectionState): void {
  const entry = parsed.get(socket);
  // The attachment is unchanged: the entry stays keyed to it, with no read of it from the runtime (a call per update).
  if (entry) entry.state = state;
  else remember(socket, socket.attachment, state);
}

/** Stores a socket's new state, and keeps it as parsed: the room wrote it, so it needs no parse. */
export function setDocState(socket: RoomSocket, state: DocConnectionState): void {
  socket.attach(state);
  remember(socket, socket.attachment, state);
}

/** Keys the socket's cached state to this attachment; returns the state. */
function remember(socket: RoomSocket, attachment: unknown, state: DocConnectionState | null): DocConnectionState | null {
  const entry = parsed.get(socket);
  if (entry) {
    entry.attachment = attachment;
    entry.state = state;
  } else parsed.set(socket, { attachment, state });
  return state;
}
