import { z } from "zod";
import { MatchEndReason, MatchResultSchema } from "./matchResult.ts";

/**
 * Room events: what a room tells the operator's code (hooks) and the operator's backend (webhooks)
 * once it happened. The same JSON is a hook's argument and a webhook's POST body, so a receiver
 * parses it with `RoomEventSchema` whichever way it arrived.
 *
 * Delivery is at least once: a receiver may see an event twice (a lost confirmation, a retry), always
 * with the same `id`; it drops the ones whose id it has already handled. Events of one room may arrive
 * out of order after a failed attempt, so order them by `at`, not by arrival.
 */

/** A match ended: by its rules (`finished`) or by a room bound (`entry_limit`, `idle`). */
export const MatchEndedData = z.object({
  game: z.string(),
  /** The rules' version the match ran under (a replay needs the same). */
  gameVersion: z.string(),
  roomId: z.string(),
  matchId: z.string(),
  reason: MatchEndReason,
  result: MatchResultSchema,
  /** Players seated when the match started; later joins are in its replay. */
  players: z.array(z.string()),
  startedAt: z.number(),
  endedAt: z.number(),
  finalTick: z.number().int(),
});
export type MatchEndedData = z.infer<typeof MatchEndedData>;

/** A document room recorded a version (its snapshot goes to R2 through the same outbox). */
export const DocumentVersionData = z.object({
  roomId: z.string(),
  versionId: z.string(),
  createdAt: z.number(),
  /** Size of the version's snapshot, in bytes. */
  bytes: z.number().int(),
  /** Who wrote since the previous version. */
  editors: z.array(z.string()),
});
export type DocumentVersionData = z.infer<typeof DocumentVersionData>;

/** An operator deleted the room (admin DELETE): its storage is gone. */
export const RoomDeletedData = z.object({
  kind: z.enum(["doc", "game"]),
  /** The game's name for a game room, null for a document room. */
  game: z.string().nullable(),
  roomId: z.string(),
  removed: z.object({ r2Objects: z.number().int(), r2Bytes: z.number().int(), directoryRows: z.number().int(), sqliteRows: z.number().int() }),
});
export type RoomDeletedData = z.infer<typeof RoomDeletedData>;

const envelope = {
  /** The idempotency key: the same on every delivery of this event, to every destination. */
  id: z.string().min(1).max(100),
  /** When it happened, in ms since the epoch. */
  at: z.number(),
  /** The room's path, as tokens name it: `doc/{id}` or `game/{game}/{id}`. */
  room: z.string(),
};

export const RoomEventSchema = z.discriminatedUnion("type", [
  z.object({ ...envelope, type: z.literal("match.ended"), data: MatchEndedData }),
  z.object({ ...envelope, type: z.literal("document.version"), data: DocumentVersionData }),
  z.object({ ...envelope, type: z.literal("room.deleted"), data: RoomDeletedData }),
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;
export type RoomEventType = RoomEvent["type"];
/** The data of one event type. */
export type RoomEventData<T extends RoomEventType> = Extract<RoomEvent, { type: T }>["data"];

/** Parses a webhook body (or a stored event); `null` for anything that is not a room event. */
export function parseRoomEvent(json: string): RoomEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = RoomEventSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
