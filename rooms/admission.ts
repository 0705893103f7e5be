import { configuredLimits } from "./configuredLimits.ts";
import { logEvent } from "./log.ts";
import { connectionsPerSub } from "./occupancy.ts";

// Admission itself is in rooms/engine/admission.ts: it runs through the room's ports and services.

/** The per-sub cap this deployment configured (createEdgeroom's `limits`, else MAX_CONNECTIONS_PER_SUB), read once per room instance. */
export function maxConnectionsPerSub(env: { MAX_CONNECTIONS_PER_SUB?: string }, roomName: string): number {
  const fromCode = configuredLimits().maxConnectionsPerSub;
  if (fromCode !== undefined) return fromCode;
  const { value, isValid } = connectionsPerSub(env.MAX_CONNECTIONS_PER_SUB);
  if (!isValid) logEvent("config_invalid", { room: roomName, variable: "MAX_CONNECTIONS_PER_SUB", using: value });
  return value;
}
