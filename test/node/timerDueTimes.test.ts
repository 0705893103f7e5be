import { afterEach, describe, expect, it } from "vitest";
import { resolveReconnectOptions } from "../../client-sdk/backoff.ts";
import { SocketSession } from "../../client-sdk/socketSession.ts";
import { trackTimerDueTimes, type TimerDueTimes } from "../../e2e/support/timerDueTimes.ts";

/** Holds this process's event loop, as 300 clients in one process do on a loaded machine. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose: no timer may fire meanwhile
  }
}

/** A socket whose upgrade is refused at once. */
class RefusedSocket {
  binaryType = "blob";
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    queueMicrotask(() => this.onerror?.());
  }
  close() {}
  send() {}
}

let dueTimes: TimerDueTimes | null = null;
afterEach(() => {
  dueTimes?.restore();
  dueTimes = null;
});

describe("trackTimerDueTimes (the reconnect storm test's attempt clock)", () => {
  it("timers due across a stall keep their own times, where Date.now() sees one burst", async () => {
    dueTimes = trackTimerDueTimes();
    const tracker = dueTimes;
    const seen: { due: number; now: number }[] = [];
    const start = Date.now();
    // Each timer's due time as the clock read just before and just after setting it (setTimeout reads it
    // once in between, and a millisecond may turn meanwhile).
    const setFor: [number, number][] = [];
    const fired = Array.from({ length: 10 }, (_, i) => {
      const delay = 10 * (i + 1);
      const before = Date.now();
      const timer = new Promise<void>((resolve) => setTimeout(() => (seen.push({ due: tracker.dueNow(), now: Date.now() }), resolve()), delay));
      setFor.push([before + delay, Date.now() + delay]);
      return timer;
    });
    stall(200);
    await Promise.all(fired);
    // What the storm test measured before: every timer fired after the stall, inside one window.
    expect(Math.min(...seen.map((s) => s.now))).toBeGreaterThanOrEqual(start + 200);
    // What it measures now: the times the timers were set for, 10 ms apart as scheduled.
    expect(seen).toHaveLength(setFor.length);
    seen.forEach(({ due }, i) => expect(due, `timer ${i}`).toSatisfy((d: number) => d >= setFor[i]![0] && d <= setFor[i]![1]));
    // Outside a timer callback it is the wall clock.
    expect(Math.abs(tracker.dueNow() - Date.now())).toBeLessThanOrEqual(1);
  });

  it("sees the SDK's reconnect attempt: getToken runs inside the backoff timer's callback", async () => {
    dueTimes = trackTimerDueTimes();
    const tracker = dueTimes;
    const attempts: { due: number; now: number }[] = [];
    let scheduledBy = 0;
    const reconnect = resolveReconnectOptions({ minDelayMs: 100, maxDelayMs: 200, jitterMs: 100 });
    const second = new Promise<void>((resolve) => {
      const session = new SocketSession(
        {
          socketUrl: "ws://127.0.0.1:1/v1/doc/r",
          getToken: () => {
            attempts.push({ due: tracker.dueNow(), now: Date.now() });
            if (attempts.length === 2) {
              session.stop();
              resolve();
            }
            return "t";
          },
          reconnect,
          WebSocket: RefusedSocket as unknown as typeof WebSocket,
          fetch: () => Promise.reject(new Error("offline")),
        },
        {
          onOpen() {},
          onMessage() {},
          onConnecting() {},
          onFatal() {},
          // The backoff timer is set right after this returns; the stall starts once it is.
          onOffline: () => {
            scheduledBy = Date.now();
            queueMicrotask(() => stall(400));
          },
        },
      );
    });
    await second;
    const retry = attempts[1]!;
    // The first wait is 50-150 ms here; the stall held the attempt until 400 ms.
    expect(retry.now - scheduledBy).toBeGreaterThanOrEqual(400);
    expect(retry.due - scheduledBy).toBeLessThanOrEqual(150 + 1);
    expect(retry.due - scheduledBy).toBeGreaterThanOrEqual(50);
  });
});
