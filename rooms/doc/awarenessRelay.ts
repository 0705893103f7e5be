import type { AwarenessEntry } from "./frames.ts";

/**
 * The room's view of presence: the latest awareness state per client id, relayed as the
 * clients encoded it. Unlike y-protocols' Awareness it runs no interval timer, so it never
 * keeps a hibernating room awake. After a wake it starts empty and the room asks the
 * connected clients to announce themselves again (a standard query-awareness frame).
 */
export class AwarenessRelay {
  readonly #states = new Map<number, AwarenessEntry>();

  /** Records entries that are newer than what the room has; returns the ones it accepted. */
  apply(entries: readonly AwarenessEntry[]): AwarenessEntry[] {
    const accepted: AwarenessEntry[] = [];
    for (const entry of entries) {
      const known = this.#states.get(entry.clientId);
      if (known && known.clock > entry.clock) continue;
      if (entry.stateJson === "null") this.#states.delete(entry.clientId);
      else this.#states.set(entry.clientId, entry);
      accepted.push(entry);
    }
    return accepted;
  }

  /** Entries announcing that these clients left, with a clock every peer accepts. */
  removalsFor(clocks: ReadonlyMap<number, number>): AwarenessEntry[] {
    const removals: AwarenessEntry[] = [];
    for (const [clientId, clock] of clocks) {
      const latest = Math.max(clock, this.#states.get(clientId)?.clock ?? 0);
      this.#states.delete(clientId);
      removals.push({ clientId, clock: latest + 1, stateJson: "null" });
    }
    return removals;
  }

  states(): AwarenessEntry[] {
    return [...this.#states.values()];
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
  admit(speaker: AwarenessSpeaker, entries: readonly AwarenessEntry[], isOpen: (connectionId: string) => boolean): AwarenessEntry[] {
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
