import { z } from "zod";
import { checkJsonMessage, parseJsonMessage, type ParseResult } from "./control.ts";
import { MatchEndReason, MatchResultSchema } from "./matchResult.ts";
import { RoomId } from "./rooms.ts";

/** Game rooms speak JSON text frames, one message each, all defined here for both sides. */
export const GameRole = z.enum(["player", "spectator"]);
export type GameRole = z.infer<typeof GameRole>;

/**
 * The wire a client asks for in hello: `binary` (protocol/gameWire.ts), `binary2` (the same frames,
 * with the tick's events inside them instead of a separate `events` message: one frame per tick)
 * or `json`, the default; the welcome says which it got.
 */
export const GameWire = z.enum(["json", "binary", "binary2"]);
export type GameWire = z.infer<typeof GameWire>;

const ClientHello = z.object({
  type: z.literal("hello"),
  protocol: z.number().int().nonnegative(),
  resume: z.string().max(64).optional(),
  /** Any string: a wire this server does not know (a newer client's) gets JSON, not an error. */
  wire: z.string().max(16).optional(),
});
export type ClientHello = z.infer<typeof ClientHello>;

export const ClientGameMessage = z.discriminatedUnion("type", [
  ClientHello,
  z.object({ type: z.literal("input"), seq: z.number().int().positive(), input: z.unknown() }),
  z.object({ type: z.literal("ping"), t: z.number() }),
  /** The answer to the room's probe: proof that this client reads what it is sent. */
  z.object({ type: z.literal("probe") }),
]);
export type ClientGameMessage = z.infer<typeof ClientGameMessage>;

const PatchOpSchema = z.union([z.tuple([z.array(z.string()), z.unknown()]), z.tuple([z.array(z.string())])]);

export const GameErrorCode = z.enum(["invalid_input", "rate_limited", "spectator", "bad_message"]);
export type GameErrorCode = z.infer<typeof GameErrorCode>;

export const ServerGameMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    protocol: z.number().int(),
    role: GameRole,
    playerId: z.string(),
    seat: z.number().int().nullable(),
    resumeToken: z.string().nullable(),
    tickRateHz: z.number(),
    /** How views come after the welcome; absent from servers older than the binary wire (JSON). */
    wire: GameWire.optional(),
    /**
     * The room's id, which a socket opened on WebSocket /v1/match/{gameName}/join learns here (its
     * reconnects use the room's own URL); absent from servers older than that route.
     */
    roomId: RoomId.optional(),
    matchId: z.string().nullable(),
    tick: z.number().int(),
    ack: z.number().int(),
    view: z.unknown(),
  }),
  /** The whole view again: after a new match starts, or when a delta would be too big. */
  z.object({ type: z.literal("full"), matchId: z.string().nullable(), tick: z.number().int(), ack: z.number().int(), view: z.unknown() }),
  /** What changed in this player's view at `tick`; `ack` is the last input seq applied for this player. */
  z.object({ type: z.literal("delta"), tick: z.number().int(), ack: z.number().int(), patch: z.array(PatchOpSchema) }),
  z.object({ type: z.literal("events"), tick: z.number().int(), events: z.array(z.unknown()) }),
  /** `reason` says what ended it (absent from rooms older than the field): see MatchEndReason. */
  z.object({ type: z.literal("match_over"), matchId: z.string(), result: MatchResultSchema, reason: MatchEndReason.optional() }),
  z.object({ type: z.literal("error"), code: GameErrorCode, message: z.string(), seq: z.number().int().optional() }),
  z.object({ type: z.literal("pong"), t: z.number() }),
  /** Echo it at once: a client that does not is closed with 4408 once MAX_UNREAD_BYTES more went out. */
  z.object({ type: z.literal("probe") }),
  /** A message from the operators, to show the user. */
  z.object({ type: z.literal("system"), message: z.string() }),
]);
export type ServerGameMessage = z.infer<typeof ServerGameMessage>;

/**
 * Decodes a client's message. An `input` (20 a second per player, the room's hot path) is checked by
 * hand: what the check accepts, ClientGameMessage accepts with the same value; anything else goes to
 * ClientGameMessage, which gives the verdict and the error (gameMessages.test.ts holds them equal).
 */
export function decodeClientGameMessage(text: string): ParseResult<ClientGameMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const input = quickInputMessage(raw);
  if (input) return { ok: true, value: input };
  return checkJsonMessage(ClientGameMessage, raw);
}

/** An `input` message as ClientGameMessage would output it, or null where only the schema can say. */
function quickInputMessage(raw: unknown): ClientGameMessage | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const { type, seq } = raw as { type?: unknown; seq?: unknown };
  // `input` is unknown but not optional: the key must be there (null is a value).
  if (type !== "input" || typeof seq !== "number" || !Number.isSafeInteger(seq) || seq <= 0 || !Object.hasOwn(raw, "input")) return null;
  return { type, seq, input: (raw as { input: unknown }).input };
}

export const decodeServerGameMessage = (text: string) => parseJsonMessage(ServerGameMessage, text);
export const encodeGameMessage = (message: ServerGameMessage | ClientGameMessage): string => JSON.stringify(message);

/** Bounds of a game room; each goes with the close code or error its test expects. */
export const GameLimits = {
  /** One input message, in bytes of JSON (close 4413). */
  MAX_INPUT_BYTES: 2048,
  /** Sustained messages per second per connection (error `rate_limited`, then close 4429). */
  MESSAGES_PER_SECOND: 60,
  /** Burst of messages before the rate applies. */
  MESSAGE_BURST: 120,
  /** Refused messages a connection may send before it is closed (4429 or 4400). */
  MAX_STRIKES: 20,
  /** How long a dropped player's seat is held, in ms. */
  SEAT_HOLD_MS: 20_000,
  /** Bytes sent to a connection before the room asks it to prove it reads (a `probe` it must echo). */
  PROBE_AFTER_BYTES: 64 * 1024,
  /** Bytes sent after an unanswered probe before the connection is closed (close 4408). */
  MAX_UNREAD_BYTES: 1024 * 1024,
  /** A delta larger than this, in bytes of JSON, is sent as a full view instead. */
  MAX_DELTA_BYTES: 8 * 1024,
  /** Spectators per room (close 4409). */
  MAX_SPECTATORS: 64,
  /** Pause between a match's end and the next one, in ms. */
  RESTART_DELAY_MS: 5_000,
  /** Ticks between snapshots of the match state; after a wake the room replays at most this many ticks. */
  SNAPSHOT_EVERY_TICKS: 20,
  /**
   * Entries (joins, leaves, inputs) one match logs at most; the match ends at the tick that logs the
   * last (reason `entry_limit`) and later inputs are not applied. A full crowd match (100 players for
   * 60 s) at 8 inputs a second each stays under it; its replay is then about 5 MB of JSON.
   */
  MAX_MATCH_ENTRIES: 50_000,
  /**
   * A match with no entry for this long, in ms, ends (reason `idle`), and the next starts when a
   * player acts, not on a timer: a forgotten tab keeps no match open, nor starts one every few minutes.
   */
  MATCH_IDLE_MS: 10 * 60_000,
} as const;
