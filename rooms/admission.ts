import type { Connection } from "partyserver";
import type { z } from "zod";
import type { SqliteRoomMetaStore } from "../persistence/index.ts";
import {
  CloseCode,
  IDENTITY_HEADER,
  LOCATION_HINT_HEADER,
  Region,
  decodeIdentityHeader,
  truncateCloseReason,
  type RoomIdentity,
} from "../protocol/index.ts";
import { configuredLimits } from "./configuredLimits.ts";
import { logEvent } from "./log.ts";
import { admissionRefusal, connectionsPerSub, type AdmissionPolicy, type Occupant } from "./occupancy.ts";
import { takeToken } from "./RateLimiter.ts";

/**
 * The first thing every room does with a new socket: re-check the identity the edge passed
 * on (a request that skipped the edge has none), and record where the room was placed.
 * Then, for a room with no `created_at` (a new one), its first connection takes a token from the
 * user's room-creation bucket (ROOM_CREATIONS_PER_MINUTE) and is closed with 4429 if there is none,
 * before the room stores anything. Last it checks the room's share-out (see admissionRefusal): the
 * user's own connections, the room's capacity and the slots kept for editors or players; that check
 * runs after the only await, so no other connection is admitted between it and the caller's state.
 * Returns the identity and its role, or null after closing the socket with 4401/4403/4409/4429/4440.
 */
export async function admitConnection<Role extends string>(
  connection: Connection,
  request: Request,
  expected: {
    roomPath: string;
    roles: z.ZodType<Role>;
    meta: SqliteRoomMetaStore;
    roomName: string;
    /** The room's other live connections, read only once the identity passed. */
    others: () => readonly Occupant[];
    policy: AdmissionPolicy;
    env: Env;
  },
): Promise<{ identity: RoomIdentity; role: Role } | null> {
  const identity = decodeIdentityHeader(request.headers.get(IDENTITY_HEADER));
  if (!identity) {
    closeConnection(connection, expected.roomName, CloseCode.UNAUTHENTICATED, "no verified identity");
    return null;
  }
  const role = expected.roles.safeParse(identity.role);
  if (identity.room !== expected.roomPath || !role.success) {
    closeConnection(connection, expected.roomName, CloseCode.FORBIDDEN, "identity is not valid for this room");
    return null;
  }
  // The edge refuses expired tokens; one can still expire between the edge and here.
  if (identity.exp * 1000 <= Date.now()) {
    closeConnection(connection, expected.roomName, CloseCode.TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    return null;
  }
  if (expected.meta.get("created_at") === null) {
    const verdict = await takeToken(expected.env, "room-creation", identity.sub);
    if (!verdict.isAllowed) {
      const reason = `room creation limit: ${verdict.perMinute} new rooms a minute per user; retry in ${verdict.retryAfterSeconds} s`;
      closeConnection(connection, expected.roomName, CloseCode.RATE_LIMITED, reason);
      return null;
    }
  }
  const refusal = admissionRefusal(expected.others(), { sub: identity.sub, role: role.data }, expected.policy);
  if (refusal) {
    closeConnection(connection, expected.roomName, refusal.code, refusal.reason);
    return null;
  }
  const hint = Region.safeParse(request.headers.get(LOCATION_HINT_HEADER));
  expected.meta.setIfAbsent("created_at", String(Date.now()));
  if (hint.success) expected.meta.setIfAbsent("location_hint", hint.data);
  return { identity, role: role.data };
}

/** Why a socket is closed with 4440, in words a client may show. */
export const TOKEN_EXPIRED_REASON = "token expired: reconnect with a fresh token";

/** Closes with a stable code and a reason a client may read, and logs it. */
export function closeConnection(connection: Connection, roomName: string, code: CloseCode, reason: string): void {
  logEvent("connection_closed", { room: roomName, connection: connection.id, code, reason });
  connection.close(code, truncateCloseReason(reason));
}

/** The per-sub cap this deployment configured (createEdgeroom's `limits`, else MAX_CONNECTIONS_PER_SUB), read once per room instance. */
export function maxConnectionsPerSub(env: { MAX_CONNECTIONS_PER_SUB?: string }, roomName: string): number {
  const fromCode = configuredLimits().maxConnectionsPerSub;
  if (fromCode !== undefined) return fromCode;
  const { value, isValid } = connectionsPerSub(env.MAX_CONNECTIONS_PER_SUB);
  if (!isValid) logEvent("config_invalid", { room: roomName, variable: "MAX_CONNECTIONS_PER_SUB", using: value });
  return value;
}
