import { z } from "zod";
import { CloseCode, RoomLimits } from "../protocol/index.ts";

/** Who holds a connection, as admission counts it. Rooms read it from the socket attachment. */
export interface Occupant {
  sub: string;
  role: string;
  /** When the socket opened, while its handshake is incomplete; null once it is complete. */
  waitingSince: number | null;
}

/** How a room kind shares its sockets out, past the identity check. */
export interface AdmissionPolicy {
  /** Live connections one `sub` may hold in the room (close 4429). */
  maxPerSub: number;
  /** Which connections count against `capacity`: every one (documents) or those still waiting for their handshake (games). */
  counts: "all" | "waiting";
  /** How many counted connections the room holds (close 4409), and what the refusal calls them. */
  capacity: number;
  capacityName: string;
  /** The last slots of `capacity`, which only `priorityRole` may take (close 4409 for the others). */
  reservedSlots: number;
  priorityRole: string;
}

export interface Refusal {
  code: CloseCode;
  reason: string;
}

/**
 * Why a new connection may not join a room whose other live connections are `others`, or null.
 * The user's own share is checked first, so one user's excess reads as theirs, not as a full room.
 *
 * The per-sub cap closes with 4429, not 4409: it is a quota on the user, like a rate limit, while
 * the room has room for everyone else; 4409 would tell a person the room is full while others
 * join. Both are transient, so clients retry and get in once one of their sockets closes.
 */
export function admissionRefusal(others: readonly Occupant[], candidate: { sub: string; role: string }, policy: AdmissionPolicy): Refusal | null {
  if (others.filter((o) => o.sub === candidate.sub).length >= policy.maxPerSub) {
    return { code: CloseCode.RATE_LIMITED, reason: `you hold ${policy.maxPerSub} connections to this room already` };
  }
  const counted = policy.counts === "all" ? others.length : others.filter((o) => o.waitingSince !== null).length;
  if (counted >= policy.capacity) return { code: CloseCode.ROOM_FULL, reason: `room is full (${policy.capacity} ${policy.capacityName})` };
  if (candidate.role !== policy.priorityRole && counted >= policy.capacity - policy.reservedSlots) {
    return {
      code: CloseCode.ROOM_FULL,
      reason: `room is full for ${candidate.role}s: the last ${policy.reservedSlots} of ${policy.capacity} ${policy.capacityName} are kept for ${policy.priorityRole}s`,
    };
  }
  return null;
}

const PositiveInteger = z.coerce.number().int().min(1);

/**
 * The per-sub cap from the MAX_CONNECTIONS_PER_SUB variable, or the default. A value that is not a
 * positive integer falls back to the default rather than refusing every connection; the caller logs it.
 */
export function connectionsPerSub(configured: string | undefined): { value: number; isValid: boolean } {
  if (configured === undefined || configured.trim() === "") return { value: RoomLimits.MAX_CONNECTIONS_PER_SUB, isValid: true };
  const parsed = PositiveInteger.safeParse(configured);
  return parsed.success ? { value: parsed.data, isValid: true } : { value: RoomLimits.MAX_CONNECTIONS_PER_SUB, isValid: false };
}

/** What Occupancy needs of a socket: its id (the room reads the rest through `read`). */
interface Identified {
  readonly id: string;
}

/**
 * Who holds each live connection, kept in memory: reading each socket's attachment at every connect
 * would make N joins cost N x N reads. It only caches the attachments: an instance woken from
 * hibernation reads them again on first use. A join far from every limit is admitted on the count of
 * known occupants, which can only be too high (a socket closed without its close event still counts),
 * never too low (`admitsByUpperBound`); a join near a limit walks the room's live connections, so such
 * a socket is not counted there.
 */
export class Occupancy<Connection extends Identified = Identified> {
  readonly #known = new Map<string, Occupant>();
  readonly #read: (connection: Connection) => Occupant | null;
  /**
   * When each connection still in its handshake started waiting, by id: what nextDeadline reads,
   * so a join or a leave does not walk the room's connections again to set the alarm. Complete once
   * every connection was read after a start or a wake (#hasReadAll). A connection that closed before
   * its close event arrived stays until then, or until its deadline passes (overdue drops it): at
   * worst one early alarm, which finds nothing to close.
   */
  readonly #waiting = new Map<string, number>();
  /** How many of #known each sub holds. */
  readonly #bySub = new Map<string, number>();
  #hasReadAll = false;

  constructor(read: (connection: Connection) => Occupant | null) {
    this.#read = read;
  }

  /** The occupants of `connections`, leaving out `exceptId` (the connection being admitted). */
  others(connections: readonly Connection[], exceptId: string): Occupant[] {
    const occupants = [];
    for (const connection of connections) {
      if (connection.id === exceptId) continue;
      const occupant = this.#of(connection);
      if (occupant) occupants.push(occupant);
    }
    return occupants;
  }

  /** Call once the room stored the admitted connection's state. */
  admitted(connectionId: string, occupant: Occupant): void {
    this.#remember(connectionId, occupant);
  }

  /** Call once the room stored that the connection completed its handshake. */
  handshakeDone(connectionId: string): void {
    const occupant = this.#known.get(connectionId);
    if (occupant) this.#known.set(connectionId, { ...occupant, waitingSince: null });
    this.#waiting.delete(connectionId);
  }

  forget(connectionId: string): void {
    const occupant = this.#known.get(connectionId);
    if (occupant) this.#count(occupant.sub, -1);
    this.#known.delete(connectionId);
    this.#waiting.delete(connectionId);
  }

  /**
   * Whether a new connection of `candidate` fits under `policy` (counting every connection) by the
   * occupants known here, a count that is never too low once every connection was read after a
   * start or a wake: a connection closed without its close event yet still counts, never one
   * missing. A join storm walked every live connection at each join (N x N reads for N joins); the
   * walk (admissionRefusal) now runs only when this cannot say yes, and decides as before.
   */
  admitsByUpperBound(candidate: { sub: string; role: string }, policy: AdmissionPolicy): boolean {
    if (!this.#hasReadAll || policy.counts !== "all") return false;
    const limit = candidate.role === policy.priorityRole ? policy.capacity : policy.capacity - policy.reservedSlots;
    return this.#known.size < limit && (this.#bySub.get(candidate.sub) ?? 0) < policy.maxPerSub;
  }

  /**
   * When the first handshake among the room's connections runs out, or null if none is waiting.
   * `connections` (a list, or a function giving it) is walked only the first time after a start
   * or a wake; after that the connections admitted, done and forgotten keep the answer.
   */
  nextDeadline(connections: readonly Connection[] | (() => readonly Connection[])): number | null {
    if (!this.#hasReadAll) {
      for (const connection of typeof connections === "function" ? connections() : connections) this.#of(connection);
      this.#hasReadAll = true;
    }
    let first: number | null = null;
    for (const since of this.#waiting.values()) if (first === null || since < first) first = since;
    return first === null ? null : first + RoomLimits.HANDSHAKE_TIMEOUT_MS;
  }

  /**
   * The connections whose handshake ran out by `now`. Read from the attachments, which the room
   * writes and which are the truth after any wake; the alarm that calls this is rare.
   */
  overdue(connections: readonly Connection[], now: number): Connection[] {
    // Past their deadline, the open ones are closed by the caller and the others are gone: neither waits any more.
    for (const [id, since] of this.#waiting) if (now - since >= RoomLimits.HANDSHAKE_TIMEOUT_MS) this.#waiting.delete(id);
    return connections.filter((connection) => {
      const since = this.#read(connection)?.waitingSince ?? null;
      return since !== null && now - since >= RoomLimits.HANDSHAKE_TIMEOUT_MS;
    });
  }

  #of(connection: Connection): Occupant | null {
    let occupant = this.#known.get(connection.id);
    if (!occupant) {
      const read = this.#read(connection);
      if (!read) return null;
      this.#remember(connection.id, (occupant = read));
    }
    return occupant;
  }

  #remember(connectionId: string, occupant: Occupant): void {
    const before = this.#known.get(connectionId);
    if (before) this.#count(before.sub, -1);
    this.#count(occupant.sub, 1);
    this.#known.set(connectionId, occupant);
    if (occupant.waitingSince === null) this.#waiting.delete(connectionId);
    else this.#waiting.set(connectionId, occupant.waitingSince);
  }

  #count(sub: string, by: 1 | -1): void {
    const count = (this.#bySub.get(sub) ?? 0) + by;
    if (count > 0) this.#bySub.set(sub, count);
    else this.#bySub.delete(sub);
  }
}
