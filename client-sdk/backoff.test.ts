import { describe, expect, it } from "vitest";
import { reconnectDelayMs, resolveReconnectOptions } from "./backoff.ts";

describe("reconnect backoff", () => {
  const options = resolveReconnectOptions({ minDelayMs: 100, maxDelayMs: 1000 });

  it("doubles the window per attempt up to the maximum", () => {
    const highest = (attempt: number) => reconnectDelayMs(attempt, options, () => 1);
    expect([0, 1, 2, 3, 4, 10].map(highest)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("jitters within the upper half of the window", () => {
    expect(reconnectDelayMs(3, options, () => 0)).toBe(400);
    expect(reconnectDelayMs(3, options, () => 0.5)).toBe(600);
  });

  it("checks options once, with a message that names the option", () => {
    expect(() => resolveReconnectOptions({ minDelayMs: 500, maxDelayMs: 100 })).toThrow(
      "reconnect.maxDelayMs must be >= minDelayMs",
    );
    expect(() => resolveReconnectOptions({ connectTimeoutMs: -1 })).toThrow("reconnect.connectTimeoutMs must be a positive number");
  });
});
