import { z } from "zod";
import { GameRole } from "../../protocol/index.ts";

/** Per-connection state of a game room, in the socket attachment so it survives hibernation. */
export const GameConnectionState = z.object({
  sub: z.string(),
  name: z.string().optional(),
  role: GameRole,
  /** The connection said hello and was welcomed. */
  isReady: z.boolean(),
  connectedAt: z.number(),
});
export type GameConnectionState = z.infer<typeof GameConnectionState>;
