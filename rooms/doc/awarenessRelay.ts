import { DocLimits, encodePresenceState, stampPresence, type PresenceIdentity } from "../../protocol/index.ts";
import { encodeAwarenessFrames, type AwarenessEntry, type ReceivedAwarenessEntry } from "./frames.ts";

/** What the relay did with a sender's entries. */
export interface AwarenessApplied {
  /** The entries to relay, each state carrying the sender's identity. */
  accepted: AwarenessEntry[];
  /** States not kept because the room's presence would pass MAX_ROOM_PRESENCE_BYTES. */
  overRoomBound: number;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * The room's view of presence: the latest awareness state per client id, each rewritten with
 * its sender's verified identity (see protocol/presence.ts). Unlike y-protocols' Awareness it
 * runs no interval timer, so it never keeps a hibernating room awake. After a wake it starts
 * empty and the room asks the connected clients to announce themselves again (a standard
 * query-awareness frame). It holds at most MAX_ROOM_PRESENCE_BYTES of states.
 */
export class AwarenessRelay {
  readonly #states = new Map<number, { entry: AwarenessEntry; bytes: number }>();
  #totalBytes = 0;
  /**
   * Every state as frames, encoded once per presence change: each join is sent them, and a storm of
   * N joins to a room whose clients all show presence encoded every state N times. Dropped at any change.
   */
  #frames: readonly Uint8Array[] | null = null;

  /** Records entries that are newer than what the room has and fit its bound; returns what to relay. */
  apply(entries: readonly ReceivedAwarenessEntry[], sender: PresenceIdentity): AwarenessApplied {
    const accepted: AwarenessEntry[] = [];
    let overRoomBound = 0;
    for (const { clientId, clock, state } of entries) {
      const known = this.#states.get(clientId);
      if (known && known.entry.clock > clock) continue;
      if (state === null) {
        this.#forget(clientId);
        accepted.push({ clientId, clock, stateJson: "null" });
        continue;
      }
      const entry = { clientId, clock, stateJson: encodePresenceState(stampPresence(state, sender)) };
      const bytes = utf8Bytes(entry.stateJson);
      if (this.#totalBytes - (known?.bytes ?? 0) + bytes > DocLimits.MAX_ROOM_PRESENCE_BYTES) {
        overRoomBound++;
        continue;
      }
      this.#forget(clientId);
      this.#states.set(clientId, { entry, bytes });
      this.#frames = null;
      this.#totalBytes += bytes;
      accepted.push(entry);
    }
    return { accepted, overRoomBound };
  }

  /** Entries announcing that these clients left, with a clock every peer accepts. */
  removalsFor(clocks: ReadonlyMap<number, number>): AwarenessEntry[] {
    const removals: AwarenessEntry[] = [];
    for (const [clientId, clock] of clocks) {
      const latest = Math.max(clock, this.#states.get(clientId)?.entry.clock ?? 0);
      this.#forget(clientId);
      removals.push({ clientId, clock: latest + 1, stateJson: "null" });
    }
    return removals;
  }

  states(): AwarenessEntry[] {
    return [...this.#states.values()].map(({ entry }) => entry);
  }

  /** Bytes of every state the room holds. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** How many clients' states the room holds. */
  get size(): number {
    return this.#states.size;
  }

  /** Every state, as frames of at most MAX_PRESENCE_FRAME_BYTES; one empty frame when there is none. Shared: do not change them. */
  frames(): readonly Uint8Array[] {
    return (this.#frames ??= encodeAwarenessFrames(this.states(), DocLimits.MAX_PRESENCE_FRAME_BYTES));
  }

  #forget(clientId: number): void {
    const known = this.#states.get(clientId);
    if (!known) return;
    this.#frames = null;
    this.#states.delete(clientId);
    this.#totalBytes -= known.bytes;
  }
}

/** Who speaks for an awareness client id: a connection, and the user behind it. */
export interface AwarenessSpeaker {
  connectionId: string;
  sub: string;
}

/**
 * Which connection speaks for each awareness client id. A connection may speak only for ids no
 * other user's open connection speaks for: otherwise a viewer could rewrite an editor's presence
 * (rename it, move its cursor) by sending its id with a newer clock. The same user reconnecting
 * takes its ids over. In memory; after a wake the room rebuilds it from its connections' states.
 */
export class AwarenessOwners {
  readonly #speakers = new Map<number, AwarenessSpeaker>();

  constructor(connections: Iterable<{ speaker: AwarenessSpeaker; clientIds: number[] }>) {
    for (const { speaker, clientIds } of connections) for (const id of clientIds) this.#speakers.set(id, speaker);
  }

  /** The entries `speaker` may send; records it as the speaker of those it keeps. */
  admit<E extends AwarenessEntry>(speaker: AwarenessSpeaker, entries: readonly E[], isOpen: (connectionId: string) => boolean): E[] {
    const admitted = entries.filter((entry) => {
      const owner = this.#speakers.get(entry.clientId);
      return !owner || owner.connectionId === speaker.connectionId || owner.sub === speaker.sub || !isOpen(owner.connectionId);
    });
    for (const entry of admitted) {
      if (entry.stateJson === "null") this.#speakers.delete(entry.clientId);
      else this.#speakers.set(entry.clientId, speaker);
    }
    return admitted;
  }

  /** A connection closed: the ids it still spoke for are free. */
  release(connectionId: string, clientIds: number[]): void {
    for (const id of clientIds) if (this.#speakers.get(id)?.connectionId === connectionId) this.#speakers.delete(id);
  }
}
