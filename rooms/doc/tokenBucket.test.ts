import { describe, expect, it } from "vitest";
import { TokenBucket } from "./tokenBucket.ts";

describe("TokenBucket", () => {
  it("allows a burst of `capacity`, then refuses until time refills it", () => {
    const bucket = new TokenBucket(3, 10, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true); // one token after 100 ms at 10/s
  });

  it("never holds more than its capacity", () => {
    const bucket = new TokenBucket(2, 1000, 0);
    bucket.take(0);
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, false]);
  });

  it("says how long until the next token", () => {
    const bucket = new TokenBucket(1, 2, 0);
    expect(bucket.msUntilToken(0)).toBe(0);
    bucket.take(0);
    expect(bucket.msUntilToken(0)).toBe(500);
    expect(bucket.msUntilToken(200)).toBeCloseTo(300);
    expect(bucket.msUntilToken(900)).toBe(0);
  });

  it("takes up to a batch of whole tokens, never more than it holds", () => {
    const bucket = new TokenBucket(10, 1, 0);
    expect(bucket.takeUpTo(4, 0)).toBe(4);
    expect(bucket.takeUpTo(100, 0)).toBe(6);
    expect(bucket.takeUpTo(1, 0)).toBe(0);
    expect(bucket.takeUpTo(5, 2_500)).toBe(2); // 2.5 refilled: whole tokens only
    expect(bucket.take(3_000)).toBe(true); // the half left plus half a second
  });

  it("refuses nonsense bounds", () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
  });
});
