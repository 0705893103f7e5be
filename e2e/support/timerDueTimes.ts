/**
 * When a piece of code was meant to run, as opposed to when this process got to it.
 *
 * Tests that run hundreds of SDK clients in one Node process share one event loop between them. On
 * a loaded machine that loop stalls (250-860 ms measured in the reconnect storm test while wrangler
 * dev restarts on 2 busy cores), and every timer due during a stall then fires at its end, together.
 * A test that timestamps a client's reconnect attempt with Date.now() would see attempts the SDK
 * spread over the stall as one burst: a herd of the test process, not of the clients, which on
 * their own machines fire on time. `dueNow()` inside a setTimeout callback is the time that timer
 * was due; elsewhere it is Date.now().
 */
export interface TimerDueTimes {
  dueNow(): number;
  /** Puts the original setTimeout back. Timers set meanwhile still fire. */
  restore(): void;
}

/** Wraps globalThis.setTimeout until restore(); only the callback's context is added, the timing is the runtime's own. */
export function trackTimerDueTimes(): TimerDueTimes {
  const original = globalThis.setTimeout;
  let runningDueAt: number | null = null;
  const wrapped = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const dueAt = Date.now() + Math.max(0, ms ?? 0);
    return original(() => {
      const outer = runningDueAt;
      runningDueAt = dueAt;
      try {
        callback(...args);
      } finally {
        runningDueAt = outer;
      }
    }, ms);
  };
  globalThis.setTimeout = Object.assign(wrapped, original) as typeof setTimeout;
  return {
    dueNow: () => runningDueAt ?? Date.now(),
    restore: () => {
      globalThis.setTimeout = original;
    },
  };
}
