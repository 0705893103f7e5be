import { z } from "zod";

/** The body of every HTTP error the service sends: a stable code and a safe message, never a stack. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
