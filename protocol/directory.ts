import { z } from "zod";

/** Counters a room keeps for metrics; cumulative since the room was created. */
export const RoomStats = z.object({
  messagesIn: z.number(),
  messagesOut: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  refused: z.record(z.string(), z.number()),
  tickOverruns: z.number(),
  outboxBacklog: z.number(),
  flushFailures: z.number(),
});
export type RoomStats = z.infer<typeof RoomStats>;

/** One room as the directory lists it. */
export const DirectoryEntry = z.object({
  room: z.string(),
  kind: z.enum(["doc", "game"]),
  game: z.string().nullable(),
  roomId: z.string(),
  connections: z.number().int(),
  locationHint: z.string().nullable(),
  createdAt: z.number(),
  lastActiveAt: z.number(),
  storageBytes: z.number(),
  isLocked: z.boolean(),
  stats: RoomStats,
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

/** A report from a room: its entry now, or that it was deleted. */
export const DirectoryReport = z.discriminatedUnion("type", [
  z.object({ type: z.literal("entry"), reportedAt: z.number(), entry: DirectoryEntry }),
  z.object({ type: z.literal("deleted"), reportedAt: z.number(), room: z.string() }),
]);
export type DirectoryReport = z.infer<typeof DirectoryReport>;
