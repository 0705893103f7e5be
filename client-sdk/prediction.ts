/**
 * Client-side prediction: the last authoritative state from the room, with the player's
 * inputs that the room has not yet applied replayed on top. When a delta acknowledges
 * input `ack`, every input up to it is dropped and the rest are replayed again, so the
 * prediction converges on the room's state without snapping back.
 *
 * @example
 * ```ts
 * const predictor = new Predictor<ArenaView, ArenaInput>((view, input) => movePlayer(view, me, input));
 * game.on("state", (view, { ack }) => predictor.setAuthoritative(view, ack));
 * const seq = game.send(input);
 * predictor.push(seq, input);
 * render(predictor.current());
 * ```
 */
export class Predictor<State, Input> {
  #authoritative: State | null = null;
  #pending: { seq: number; input: Input }[] = [];

  /**
   * @param apply applies one input to a state and returns the new state; it may mutate its argument,
   *   which is always a private copy.
   * @param maxPending inputs kept awaiting acknowledgement; the oldest are dropped past it.
   */
  private readonly apply: (state: State, input: Input) => State;
  private readonly maxPending: number;

  constructor(apply: (state: State, input: Input) => State, maxPending = 64) {
    this.apply = apply;
    this.maxPending = maxPending;
  }

  setAuthoritative(state: State, ack: number): void {
    this.#authoritative = state;
    this.#pending = this.#pending.filter((p) => p.seq > ack);
  }

  push(seq: number, input: Input): void {
    this.#pending.push({ seq, input });
    if (this.#pending.length > this.maxPending) this.#pending.splice(0, this.#pending.length - this.maxPending);
  }

  /** Inputs sent but not yet applied by the room. */
  get pending(): readonly { seq: number; input: Input }[] {
    return this.#pending;
  }

  /** The predicted state, or null before the first authoritative one. */
  current(): State | null {
    if (this.#authoritative === null) return null;
    let state: State = structuredClone(this.#authoritative) as State;
    for (const { input } of this.#pending) state = this.apply(state, input);
    return state;
  }
}
