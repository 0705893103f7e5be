import { describe, expect, it } from "vitest";
import { reconnectDelayMs, resolveReconnectOptions } from "./backoff.ts";

describe("reconnect backoff", () => {
  const options = resolveReconnectOptions({ minDelayMs: 100, maxDelayMs: 1000, jitterMs: 1 });

  it("doubles the window per attempt up to the maximum", () => {
    const highest = (attempt: number) => reconnectDelayMs(attempt, options, () => 1);
    expect([0, 1, 2, 3, 4, 10].map(highest)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("jitters within the upper half of the window", () => {
    expect(reconnectDelayMs(3, options, () => 0)).toBe(400);
    expect(reconnectDelayMs(3, options, () => 0.5)).toBe(600);
  });

  it("[9] spreads even the first retries over jitterMs, so clients dropped together by a deploy do not return in one burst", () => {
    const defaults = resolveReconnectOptions();
    // The fixed half keeps its floor: no client retries sooner than before.
    expect(reconnectDelayMs(0, defaults, () => 0)).toBe(125);
    expect(reconnectDelayMs(0, defaults, () => 1)).toBe(1125);
    // 300 clients dropped at once: no 100 ms holds more than a fifth of their first retries.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const firstRetries = Array.from({ length: 300 }, () => reconnectDelayMs(0, defaults, random));
    const busiest = Math.max(...firstRetries.map((t) => firstRetries.filter((u) => u >= t && u < t + 100).length));
    expect(busiest / 300).toBeLessThan(0.2);
    // Past the jitter floor the window's own half rules, and no wait passes maxDelayMs.
    expect(reconnectDelayMs(5, defaults, () => 1)).toBe(8000);
    expect(reconnectDelayMs(20, defaults, () => 1)).toBe(10_000);
    const small = resolveReconnectOptions({ minDelayMs: 50, maxDelayMs: 200 });
    expect(reconnectDelayMs(0, small, () => 1)).toBe(200);
  });

  it("checks options once, with a message that names the option", () => {
    expect(() => resolveReconnectOptions({ minDelayMs: 500, maxDelayMs: 100 })).toThrow(
      "reconnect.maxDelayMs must be >= minDelayMs",
    );
    expect(() => resolveReconnectOptions({ connectTimeoutMs: -1 })).toThrow("reconnect.connectTimeoutMs must be a positive number");
    expect(() => resolveReconnectOptions({ jitterMs: 0 })).toThrow("reconnect.jitterMs must be a positive number");
  });
});
