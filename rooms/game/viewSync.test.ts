import { describe, expect, it } from "vitest";
import { applyPatch } from "../../protocol/index.ts";
import { ViewSync } from "./viewSync.ts";

/** What a client holding `view` makes of a frame. */
function receive(view: unknown, frame: string): unknown {
  const message = JSON.parse(frame);
  return message.type === "full" ? message.view : applyPatch(view, message.patch);
}

describe("ViewSync", () => {
  it("sends deltas that rebuild the view, also when the game changes its view object in place", () => {
    const sync = new ViewSync();
    const state = { board: ["", "", ""], turn: "X" };
    sync.sent("a", "m1", 0, state);
    let seen: unknown = structuredClone(state);
    for (let tick = 1; tick <= 3; tick++) {
      state.board[tick - 1] = tick % 2 ? "X" : "O"; // the same object, changed
      sync.beginTick();
      const frame = sync.next("a", "m1", tick, tick, state)!;
      expect(JSON.parse(frame).type).toBe("delta");
      seen = receive(seen, frame);
      expect(seen).toEqual(state);
    }
  });

  it("diffs a view shared by many connections once per tick, with each connection's own ack", () => {
    const sync = new ViewSync();
    const ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const first = { players: { p1: { x: 0 } } };
    for (const id of ids) sync.sent(id, "m1", 0, first);
    const second = { players: { p1: { x: 5 } } };
    sync.beginTick();
    const frames = ids.map((id, i) => sync.next(id, "m1", 1, i, second)!);
    expect(new Set(frames.map((f) => JSON.stringify(JSON.parse(f).patch))).size).toBe(1);
    expect(frames.map((f) => JSON.parse(f).ack)).toEqual(ids.map((_, i) => i));
    expect(receive(first, frames[0]!)).toEqual(second);
    // Nothing changed and the ack is the same: no frame.
    sync.beginTick();
    expect(sync.next("c3", "m1", 2, 3, { players: { p1: { x: 5 } } })).toBeNull();
  });

  it("sends a full view for a new match", () => {
    const sync = new ViewSync();
    sync.sent("a", "m1", 0, { n: 1 });
    sync.beginTick();
    expect(JSON.parse(sync.next("a", "m2", 1, 0, { n: 1 })!)).toMatchObject({ type: "full", matchId: "m2", view: { n: 1 } });
  });
});
