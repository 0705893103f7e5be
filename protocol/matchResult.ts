import { z } from "zod";

export const MatchResultSchema = z.object({
  isOver: z.boolean(),
  scores: z.record(z.string(), z.number()),
  winners: z.array(z.string()),
});

/**
 * Why a match ended: `finished` by its rules (SPEC R5), or by a room bound: `entry_limit`
 * (GameLimits.MAX_MATCH_ENTRIES, R6) or `idle` (GameLimits.MATCH_IDLE_MS, R7).
 */
export const MatchEndReason = z.enum(["finished", "entry_limit", "idle"]);
export type MatchEndReason = z.infer<typeof MatchEndReason>;
