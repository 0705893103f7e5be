import { z } from "zod";

export const MatchResultSchema = z.object({
  isOver: z.boolean(),
  scores: z.record(z.string(), z.number()),
  winners: z.array(z.string()),
});
