import { describe, expect, it } from "vitest";
import { applyPatch, diffJson } from "./patch.ts";

describe("view deltas", () => {
  it("sends only what changed, and applying it rebuilds the new view", () => {
    const before = { t: 10, players: { a: { x: 1, y: 2 }, b: { x: 5, y: 5 } }, board: [1, 2] };
    const after = { t: 9, players: { a: { x: 2, y: 2 }, c: { x: 0, y: 0 } }, board: [1, 3] };
    const ops = diffJson(before, after);
    expect(ops).toEqual([
      [["t"], 9],
      [["players", "b"]],
      [["players", "a", "x"], 2],
      [["players", "c"], { x: 0, y: 0 }],
      [["board"], [1, 3]],
    ]);
    expect(applyPatch(before, ops)).toEqual(after);
  });

  it("is empty when nothing changed", () => {
    expect(diffJson({ a: [1], b: { c: 1 } }, { a: [1], b: { c: 1 } })).toEqual([]);
  });

  it("does not change the base it patches", () => {
    const base = { a: { b: 1 } };
    applyPatch(base, [[["a", "b"], 2]]);
    expect(base).toEqual({ a: { b: 1 } });
  });
});
