/**
 * Smooth motion for remote entities: keep the last few authoritative positions with the
 * time they arrived, and draw each entity where it was `delayMs` ago, blending between
 * the two snapshots around that moment. The delay (about two ticks) hides network jitter.
 *
 * @example
 * ```ts
 * const buffer = new InterpolationBuffer({ delayMs: 100 });
 * game.on("state", (view) => buffer.push(performance.now(), view.players));
 * const players = buffer.sample(performance.now()); // { id: { x, y } } between snapshots
 * ```
 */
export type Positions = Record<string, { x: number; y: number }>;

export class InterpolationBuffer {
  readonly #snapshots: { at: number; positions: Positions }[] = [];
  readonly #delayMs: number;
  readonly #capacity: number;

  /** @param options.capacity snapshots kept (default 32); older ones are dropped. */
  constructor(options: { delayMs?: number; capacity?: number } = {}) {
    this.#delayMs = options.delayMs ?? 100;
    this.#capacity = options.capacity ?? 32;
    if (this.#delayMs < 0 || this.#capacity < 2) throw new RangeError("delayMs must be >= 0 and capacity >= 2");
  }

  push(at: number, positions: Positions): void {
    this.#snapshots.push({ at, positions: structuredClone(positions) });
    if (this.#snapshots.length > this.#capacity) this.#snapshots.shift();
  }

  /** Positions at `now - delayMs`; an entity missing from either snapshot takes the latest it has. */
  sample(now: number): Positions {
    const target = now - this.#delayMs;
    const snapshots = this.#snapshots;
    if (snapshots.length === 0) return {};
    if (target <= snapshots[0]!.at) return structuredClone(snapshots[0]!.positions);
    for (let i = snapshots.length - 1; i > 0; i--) {
      const before = snapshots[i - 1]!;
      const after = snapshots[i]!;
      if (before.at <= target && target <= after.at) {
        const t = after.at === before.at ? 1 : (target - before.at) / (after.at - before.at);
        const out: Positions = {};
        for (const [id, to] of Object.entries(after.positions)) {
          const from = before.positions[id] ?? to;
          out[id] = { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t };
        }
        return out;
      }
    }
    return structuredClone(snapshots[snapshots.length - 1]!.positions);
  }
}
