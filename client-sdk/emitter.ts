type Listener<Args extends unknown[]> = (...args: Args) => void;

/** A minimal typed event emitter; `on` returns the function that unsubscribes. */
export class Emitter<Events extends Record<string, unknown[]>> {
  readonly #listeners: { [E in keyof Events]?: Set<Listener<Events[E]>> } = {};

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const set = (this.#listeners[event] ??= new Set());
    set.add(listener);
    return () => void set.delete(listener);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    for (const listener of this.#listeners[event] ?? []) listener(...args);
  }

  protected removeAllListeners(): void {
    for (const event of Object.keys(this.#listeners)) delete this.#listeners[event];
  }
}
