import { describe, expect, it } from "vitest";
import { InterpolationBuffer } from "./interpolation.ts";
import { Predictor } from "./prediction.ts";

type S = { x: number };
const move = (state: S, dx: number) => ({ x: state.x + dx });

describe("Predictor", () => {
  it("replays unacknowledged inputs on the authoritative state", () => {
    const p = new Predictor<S, number>(move);
    p.setAuthoritative({ x: 0 }, 0);
    p.push(1, 5);
    p.push(2, 3);
    expect(p.current()).toEqual({ x: 8 });
    // The room applied input 1: its state now includes it, and only input 2 is replayed.
    p.setAuthoritative({ x: 5 }, 1);
    expect(p.pending.map((i) => i.seq)).toEqual([2]);
    expect(p.current()).toEqual({ x: 8 });
  });

  it("converges on the room's state when the room disagrees", () => {
    const p = new Predictor<S, number>(move);
    p.setAuthoritative({ x: 0 }, 0);
    p.push(1, 5);
    p.setAuthoritative({ x: 2 }, 1); // the room clamped the move
    expect(p.current()).toEqual({ x: 2 });
  });

  it("never mutates the authoritative state and bounds its queue", () => {
    const base = { x: 1 };
    const p = new Predictor<S, number>((s, dx) => ((s.x += dx), s), 2);
    p.setAuthoritative(base, 0);
    for (let seq = 1; seq <= 5; seq++) p.push(seq, 1);
    expect(p.pending.map((i) => i.seq)).toEqual([4, 5]);
    expect(p.current()).toEqual({ x: 3 });
    expect(base).toEqual({ x: 1 });
  });
});

describe("InterpolationBuffer", () => {
  it("draws entities where they were delayMs ago, between snapshots", () => {
    const buffer = new InterpolationBuffer({ delayMs: 100 });
    buffer.push(1000, { a: { x: 0, y: 0 } });
    buffer.push(1050, { a: { x: 10, y: 20 } });
    expect(buffer.sample(1125)).toEqual({ a: { x: 5, y: 10 } });
  });

  it("holds the oldest before the buffer and the newest past it", () => {
    const buffer = new InterpolationBuffer({ delayMs: 0 });
    buffer.push(10, { a: { x: 1, y: 1 } });
    buffer.push(20, { a: { x: 3, y: 3 } });
    expect(buffer.sample(0)).toEqual({ a: { x: 1, y: 1 } });
    expect(buffer.sample(99)).toEqual({ a: { x: 3, y: 3 } });
  });

  it("places a newly appeared entity at its first position and keeps a bounded history", () => {
    const buffer = new InterpolationBuffer({ delayMs: 0, capacity: 2 });
    buffer.push(0, {});
    buffer.push(10, { b: { x: 4, y: 4 } });
    expect(buffer.sample(5)).toEqual({ b: { x: 4, y: 4 } });
    buffer.push(20, { b: { x: 6, y: 6 } });
    expect(buffer.sample(0)).toEqual({ b: { x: 4, y: 4 } }); // the snapshot at 0 was dropped
  });
});
