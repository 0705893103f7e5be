import type { z } from "zod";
import type { RoomMetaStore } from "../../persistence/roomMeta.ts";
import { CloseCode, IDENTITY_HEADER, LOCATION_HINT_HEADER, Region, decodeIdentityHeader, type RoomIdentity } from "../../protocol/index.ts";
import { admissionRefusal, type AdmissionPolicy, type Occupant } from "../occupancy.ts";
import type { Clock, RoomSocket } from "./ports.ts";
import type { CreationVerdict, RoomServices } from "./services.ts";

/** Why a socket is closed with 4440, in words a client may show. */
export const TOKEN_EXPIRED_REASON = "token expired: reconnect with a fresh token";

/** What a room kind admits: its roles, its other occupants, its share-out, and what it keeps of an admitted socket. */
export interface AdmissionRules<Role extends string, State> {
  roles: z.ZodType<Role>;
  /** The room's other live connections, read only once the identity passed. */
  others: () => readonly Occupant[];
  /**
   * Whether a count of the room's connections that is never too low already leaves room for the
   * candidate under `policy`; then `others` is not walked. Absent or false: the walk decides.
   */
  admitsByUpperBound?: (candidate: { sub: string; role: string }) => boolean;
  policy: AdmissionPolicy;
  /**
   * Stores the admitted socket's state where `others` reads it. Called in the same synchronous step
   * as the share-out check: sockets that waited for one room-creation verdict resume together, and
   * each must count the ones admitted before it (a state stored after admitSocket returned would
   * come a few microtasks too late for them).
   */
  store: (identity: RoomIdentity, role: Role) => State;
}

/** What admission needs of the room around it. */
export interface AdmissionContext {
  roomPath: string;
  meta: RoomMetaStore;
  services: RoomServices;
  clock: Clock;
  /** The room's one creation in flight or done (see CreationGate); kept by the room instance. */
  creation: CreationGate;
  close(socket: RoomSocket, code: CloseCode, reason: string): void;
}

/**
 * One room-creation token per new room, however many sockets arrive before its first admission
 * ends. Admission awaits the RateLimiter for a room with no `created_at`, and every socket that
 * arrived during that await saw no `created_at` either: each took a token of its own, so a join
 * storm of one user's 120 sockets to a new room spent that user's whole minute (60) on one room,
 * refused the rest with 4429 as room creations, and cost a Durable Object round trip per socket.
 * Sockets that arrive while a token is being taken wait for that verdict: granted, the room is
 * being created and they join it; refused, the same user's are refused alike, and another user's
 * take their own. In memory on purpose: a new instance that finds no `created_at` takes a token again.
 */
export class CreationGate {
  #isGranted = false;
  #inFlight: { sub: string; verdict: Promise<CreationVerdict> } | null = null;

  /** Null when this socket needs no token of its own (the room's creation was granted), else its own verdict. */
  async admit(sub: string, take: (sub: string) => Promise<CreationVerdict>): Promise<CreationVerdict | null> {
    for (;;) {
      if (this.#isGranted) return null;
      const flight = this.#inFlight;
      if (!flight) break;
      const verdict = await flight.verdict;
      if (!verdict.isAllowed && flight.sub === sub) return verdict;
    }
    const flight = { sub, verdict: take(sub) };
    this.#inFlight = flight;
    try {
      const verdict = await flight.verdict;
      if (verdict.isAllowed) this.#isGranted = true;
      return verdict;
    } finally {
      if (this.#inFlight === flight) this.#inFlight = null;
    }
  }
}

/**
 * The first thing every room does with a new socket: re-check the identity the edge passed
 * on (a request that skipped the edge has none), and record where the room was placed.
 * Then, for a room with no `created_at` (a new one), its first connection takes a token from the
 * user's room-creation bucket (ROOM_CREATIONS_PER_MINUTE) and is closed with 4429 if there is none,
 * before the room stores anything. Last it checks the room's share-out (see admissionRefusal): the
 * user's own connections, the room's capacity and the slots kept for editors or players; that check
 * runs after the only await, and the room kind stores the socket's state (`rules.store`) in the same step,
 * so no other connection is admitted between the check and that state.
 * Returns what `store` returned, or null after closing the socket with 4401/4403/4409/4429/4440.
 */
export async function admitSocket<Role extends string, State>(
  socket: RoomSocket,
  request: Request,
  rules: AdmissionRules<Role, State>,
  room: AdmissionContext,
): Promise<State | null> {
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
  const isNew = room.meta.get("created_at") === null;
  if (isNew) {
    const verdict = await room.creation.admit(identity.sub, (sub) => room.services.takeRoomCreationToken(sub));
    if (verdict && !verdict.isAllowed) {
      const reason = `room creation limit: ${verdict.perMinute} new rooms a minute per user; retry in ${verdict.retryAfterSeconds} s`;
      room.close(socket, CloseCode.RATE_LIMITED, reason);
      return null;
    }
  }
  const candidate = { sub: identity.sub, role: role.data };
  const refusal = rules.admitsByUpperBound?.(candidate) ? null : admissionRefusal(rules.others(), candidate, rules.policy);
  if (refusal) {
    room.close(socket, refusal.code, refusal.reason);
    return null;
  }
  // Written only when absent, not re-inserted at every join: a join to an existing room writes
  // nothing here, so its turn has no commit to wait for.
  const hint = Region.safeParse(request.headers.get(LOCATION_HINT_HEADER));
  if (isNew) room.meta.setIfAbsent("created_at", String(room.clock.now()));
  if (hint.success && room.meta.get("location_hint") === null) room.meta.setIfAbsent("location_hint", hint.data);
  return rules.store(identity, role.data);
}
