import type { z } from "zod";
import type { RoomMetaStore } from "../../persistence/roomMeta.ts";
import { CloseCode, IDENTITY_HEADER, LOCATION_HINT_HEADER, Region, decodeIdentityHeader, type RoomIdentity } from "../../protocol/index.ts";
import { admissionRefusal, type AdmissionPolicy, type Occupant } from "../occupancy.ts";
import type { Clock, RoomSocket } from "./ports.ts";
import type { RoomServices } from "./services.ts";

/** Why a socket is closed with 4440, in words a client may show. */
export const TOKEN_EXPIRED_REASON = "token expired: reconnect with a fresh token";

/** What a room kind admits: its roles, its other occupants, its share-out. */
export interface AdmissionRules<Role extends string> {
  roles: z.ZodType<Role>;
  /** The room's other live connections, read only once the identity passed. */
  others: () => readonly Occupant[];
  policy: AdmissionPolicy;
}

/** What admission needs of the room around it. */
export interface AdmissionContext {
  roomPath: string;
  meta: RoomMetaStore;
  services: RoomServices;
  clock: Clock;
  close(socket: RoomSocket, code: CloseCode, reason: string): void;
}

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
export async function admitSocket<Role extends string>(
  socket: RoomSocket,
  request: Request,
  rules: AdmissionRules<Role>,
  room: AdmissionContext,
): Promise<{ identity: RoomIdentity; role: Role } | null> {
  const identity = decodeIdentityHeader(request.headers.get(IDENTITY_HEADER));
  if (!identity) {
    room.close(socket, CloseCode.UNAUTHENTICATED, "no verified identity");
    return null;
  }
  const role = rules.roles.safeParse(identity.role);
  if (identity.room !== room.roomPath || !role.success) {
    room.close(socket, CloseCode.FORBIDDEN, "identity is not valid for this room");
    return null;
  }
  // The edge refuses expired tokens; one can still expire between the edge and here.
  if (identity.exp * 1000 <= room.clock.now()) {
    room.close(socket, CloseCode.TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    return null;
  }
  if (room.meta.get("created_at") === null) {
    const verdict = await room.services.takeRoomCreationToken(identity.sub);
    if (!verdict.isAllowed) {
      const reason = `room creation limit: ${verdict.perMinute} new rooms a minute per user; retry in ${verdict.retryAfterSeconds} s`;
      room.close(socket, CloseCode.RATE_LIMITED, reason);
      return null;
    }
  }
  const refusal = admissionRefusal(rules.others(), { sub: identity.sub, role: role.data }, rules.policy);
  if (refusal) {
    room.close(socket, refusal.code, refusal.reason);
    return null;
  }
  const hint = Region.safeParse(request.headers.get(LOCATION_HINT_HEADER));
  room.meta.setIfAbsent("created_at", String(room.clock.now()));
  if (hint.success) room.meta.setIfAbsent("location_hint", hint.data);
  return { identity, role: role.data };
}
