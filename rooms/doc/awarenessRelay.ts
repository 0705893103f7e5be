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
