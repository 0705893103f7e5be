// The tick loop keeps its rate on deadlines (issue 17: at 100 players the room ticked 18.6 times a
// second, not 20, because a repeating timer re-armed after each tick adds up every tick's lateness).
// A manual clock and timers that fire late, as a busy runtime's do: no wall clock in these tests.
import { describe, expect, it } from "vitest";
import { MAX_TICKS_PER_WAKE, TickLoop } from "./tickLoop.ts";

/** A runtime whose timers fire `lateMs` after their time, and whose ticks take `tickMs` each. */
function lateRuntime(lateMs: number, tickMs: number) {
  let now = 0;
  let timer: { at: number; work: () => void } | null = null;
  const ticks: number[] = [];
  const dropped: number[] = [];
  const wakes: number[] = [];
  const clock = { elapsedMs: () => now };
  const loop = new TickLoop({
    clock,
    scheduler: {
      later: (delayMs, work) => {
        const mine = { at: now + delayMs, work };
        timer = mine;
        return () => void (timer === mine && (timer = null));
      },
    },
    intervalMs: 50,
    tick: () => {
      ticks.push(now);
      now += tickMs;
    },
    onDropped: (n) => void dropped.push(n),
  });
  return {
    loop, ticks, dropped, wakes,
    /** Runs the timers until `untilMs`, each `lateMs` (or what `lateness` says) after its time. */
    run(untilMs: number, lateness: (wake: number) => number = () => lateMs) {
      while (timer && timer.at + lateness(wakes.length) <= untilMs) {
        const { at, work } = timer;
        timer = null;
        now = Math.max(now, at + lateness(wakes.length));
        wakes.push(now);
        work();
      }
      now = Math.max(now, untilMs);
    },
    get isArmed() { return timer !== null; },
  };
}

describe("the tick loop", () => {
  it("keeps 20 ticks a second when every wake is late and every tick takes time", () => {
    const runtime = lateRuntime(7, 4);
    runtime.loop.start();
    runtime.run(10_000);
    // A timer re-armed after its tick would run every 50 + 7 + 4 ms: 175 ticks in 10 s.
    expect(runtime.ticks.length).toBeGreaterThanOrEqual(199);
    expect(runtime.dropped).toEqual([]);
    // Tick k runs within the lateness of its deadline k x 50 ms: no drift accumulates.
    runtime.ticks.forEach((at, k) => expect(at - (k + 1) * 50).toBeLessThanOrEqual(7 + 4));
  });

  it("catches up a missed tick in the next wake, at most MAX_TICKS_PER_WAKE at once, and drops the rest", () => {
    const runtime = lateRuntime(0, 0);
    runtime.loop.start();
    runtime.run(500);
    expect(runtime.ticks).toHaveLength(10);
    // One wake 80 ms late: its tick and the one it missed run together, then the schedule holds.
    runtime.run(1_000, (wake) => (wake === 10 ? 80 : 0));
    expect(runtime.ticks.filter((at) => at === 630)).toHaveLength(2);
    expect(runtime.ticks).toHaveLength(20);
    // One wake 400 ms late (9 ticks due, 1,050 to 1,450 ms): two run, seven are dropped and counted.
    runtime.run(2_000, (wake) => (wake === 19 ? 400 : 0));
    const counts = new Map<number, number>();
    for (const at of runtime.ticks) counts.set(at, (counts.get(at) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(MAX_TICKS_PER_WAKE);
    expect(runtime.dropped).toEqual([7]);
    expect(runtime.ticks).toHaveLength(40 - 7);
    // Back on the original deadlines (multiples of 50 ms) after the gap.
    expect(runtime.ticks.at(-1)).toBe(2_000);
  });

  it("arms nothing once stopped, even from inside a tick", () => {
    const runtime = lateRuntime(0, 0);
    runtime.loop.start();
    runtime.run(100);
    runtime.loop.stop();
    expect(runtime.isArmed).toBe(false);
    runtime.run(1_000);
    expect(runtime.ticks).toHaveLength(2);
  });
});
