import type { Clock, Scheduler } from "../engine/ports.ts";

/**
 * Most ticks one wake of the loop runs: the due one and at most one it missed. A wake that finds
 * more due (the room was busy, the runtime's timer fired late) runs this many and drops the rest,
 * so clients see at most two frames back to back, never a burst of a second's worth.
 */
export const MAX_TICKS_PER_WAKE = 2;

/**
 * A fixed-rate loop on deadlines: tick k is due at start + k x interval, and each wake sets a
 * one-shot timer for the next deadline, not an interval after the last tick ran. A repeating timer
 * re-armed after its callback (what setInterval is in workerd and in Node) runs late by the time a
 * tick takes plus the timer's own lateness, and that adds up: 18.6 ticks a second instead of 20 at
 * 100 players. Here lateness shortens the next wait instead; a wake that is a whole interval late
 * runs the missed tick too (up to MAX_TICKS_PER_WAKE), and past that the schedule moves on from now.
 * Runtime-free: the clock and the timer are ports, so tests drive it with a manual clock.
 */
export class TickLoop {
  readonly #clock: Pick<Clock, "elapsedMs">;
  readonly #scheduler: Pick<Scheduler, "later">;
  readonly #intervalMs: number;
  readonly #tick: () => void;
  readonly #onDropped: (ticks: number) => void;
  /** When (elapsedMs) the next tick is due; null while stopped. */
  #dueAt: number | null = null;
  #cancel: (() => void) | null = null;

  constructor(parts: {
    clock: Pick<Clock, "elapsedMs">;
    scheduler: Pick<Scheduler, "later">;
    intervalMs: number;
    tick: () => void;
    /** Ticks a late wake skipped (past MAX_TICKS_PER_WAKE). */
    onDropped: (ticks: number) => void;
  }) {
    this.#clock = parts.clock;
    this.#scheduler = parts.scheduler;
    this.#intervalMs = parts.intervalMs;
    this.#tick = parts.tick;
    this.#onDropped = parts.onDropped;
  }

  get isRunning(): boolean {
    return this.#dueAt !== null;
  }

  /** Starts the loop: the first tick is due one interval from now. */
  start(): void {
    if (this.#dueAt !== null) return;
    this.#dueAt = this.#clock.elapsedMs() + this.#intervalMs;
    this.#arm();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#dueAt = null;
  }

  #arm(): void {
    const waitMs = Math.max(0, this.#dueAt! - this.#clock.elapsedMs());
    this.#cancel = this.#scheduler.later(waitMs, () => this.#wake());
  }

  #wake(): void {
    this.#cancel = null;
    if (this.#dueAt === null) return;
    const due = Math.floor((this.#clock.elapsedMs() - this.#dueAt) / this.#intervalMs) + 1;
    if (due > MAX_TICKS_PER_WAKE) {
      this.#onDropped(due - MAX_TICKS_PER_WAKE);
      this.#dueAt += (due - MAX_TICKS_PER_WAKE) * this.#intervalMs;
    }
    for (let i = 0; i < Math.min(Math.max(due, 1), MAX_TICKS_PER_WAKE); i++) {
      this.#dueAt += this.#intervalMs;
      this.#tick();
      // The tick may have stopped the loop (no player left, an idle end), or stopped and started it.
      if (this.#dueAt === null || this.#cancel !== null) return;
    }
    this.#arm();
  }
}
