import { describe, expect, it } from "vitest";
import { MatchEngine, hashState, replayMatch, type MatchEntry } from "../protocol/game.ts";
import { arena, isArenaInput } from "./arena.ts";

function started(players = ["a"]) {
  const engine = new MatchEngine(arena, 42, players);
  for (const id of players) engine.join(id);
  return engine;
}

// Every number below is SPEC.md's, written out, so that changing a constant in arena.ts fails here.
describe("arena rules", () => {
  it("seats 8 players and ticks at 20 Hz", () => {
    expect(arena.maxPlayers).toBe(8);
    expect(arena.tickRateHz).toBe(20);
  });

  it("[A1] places a joining player inside the 800 x 600 arena, still, with 0 points", () => {
    for (const seed of [1, 42, 99]) {
      const engine = new MatchEngine(arena, seed, ["a"]);
      engine.join("a");
      const player = engine.state.players.a!;
      expect(player).toMatchObject({ dx: 0, dy: 0, score: 0 });
      expect(player.x).toBeGreaterThanOrEqual(0);
      expect(player.x).toBeLessThanOrEqual(800);
      expect(player.y).toBeGreaterThanOrEqual(0);
      expect(player.y).toBeLessThanOrEqual(600);
    }
  });

  it("[A2] moves the player in the input's direction at 240 units/s, clamped to the 800 x 600 arena", () => {
    const engine = started();
    engine.state.players.a!.x = 400;
    engine.state.players.a!.y = 300;
    engine.state.gems = {};
    engine.input("a", { type: "move", dx: 1, dy: 0 });
    for (let i = 0; i < 20; i++) engine.step(); // 1 s at 20 Hz
    expect(engine.state.players.a).toMatchObject({ x: 640, y: 300 });
    engine.input("a", { type: "move", dx: -1, dy: 0 });
    for (let i = 0; i < 100; i++) engine.step();
    expect(engine.state.players.a!.x).toBe(0);
    engine.input("a", { type: "move", dx: 1, dy: 1 });
    for (let i = 0; i < 200; i++) engine.step();
    expect(engine.state.players.a).toMatchObject({ x: 800, y: 600 });
  });

  it("[A3] scores a point for a gem within 24 units and replaces it", () => {
    const engine = started();
    Object.assign(engine.state.players.a!, { x: 400, y: 300 });
    engine.state.gems = { near: { x: 424, y: 300 }, far: { x: 400, y: 325 } };
    engine.step();
    expect(engine.state.players.a!.score, "points for the gems at 24 and 25 units").toBe(1);
    expect(engine.state.gems.near).toBeUndefined();
    expect(engine.state.gems.far).toEqual({ x: 400, y: 325 });
    expect(Object.keys(engine.state.gems)).toHaveLength(2);
    expect(engine.drainEvents()).toEqual([{ type: "gem", playerId: "a", score: 1 }]);
  });

  it("[A4] keeps 5 gems on the field once someone joined", () => {
    expect(Object.keys(started().state.gems)).toHaveLength(5);
  });

  it("[A5] ends after 60 s of ticks; the best score above 0 wins", () => {
    const engine = started(["a", "b"]);
    engine.state.players.a!.score = 3;
    for (let i = 0; i < 60 * 20 - 1; i++) engine.step();
    expect(arena.result(engine.state).isOver, "over one tick before 60 s").toBe(false);
    engine.step();
    const result = arena.result(engine.state);
    expect(result.isOver).toBe(true);
    expect(result.winners).toEqual(["a"]);
  });

  it("[A6] removes a player who leaves", () => {
    const engine = started(["a", "b"]);
    engine.leave("a");
    expect(Object.keys(engine.state.players)).toEqual(["b"]);
  });

  it("[A7] ignores inputs after the end", () => {
    const engine = started();
    engine.state.timeLeftMs = 0;
    engine.input("a", { type: "move", dx: 1, dy: 1 });
    expect(engine.state.players.a).toMatchObject({ dx: 0, dy: 0 });
  });

  it("refuses inputs outside its schema", () => {
    expect(arena.input.safeParse({ type: "move", dx: 2, dy: 0 }).success).toBe(false);
    expect(arena.input.safeParse({ type: "teleport" }).success).toBe(false);
  });
});

describe("arena determinism", () => {
  const entries: MatchEntry[] = [
    { tick: 0, kind: "join", playerId: "a" },
    { tick: 0, kind: "join", playerId: "b" },
    { tick: 3, kind: "input", playerId: "a", seq: 1, input: { type: "move", dx: 1, dy: 1 } },
    { tick: 40, kind: "input", playerId: "b", seq: 1, input: { type: "move", dx: -1, dy: 0 } },
    { tick: 300, kind: "leave", playerId: "b" },
  ];
  const run = (seed: number) => replayMatch(arena, { seed, players: ["a", "b"], entries, finalTick: 1200 });

  it("gives the same final state hash for the same seed and inputs", () => {
    expect(hashState(run(7).state)).toBe(hashState(run(7).state));
  });

  it("gives a different match for a different seed", () => {
    expect(hashState(run(7).state)).not.toBe(hashState(run(8).state));
  });

  it("resumes from a snapshot exactly as if it had never stopped", () => {
    const whole = run(7);
    const half = replayMatch(arena, { seed: 7, players: ["a", "b"], entries: entries.slice(0, 3), finalTick: 20 });
    const resumed = new MatchEngine(arena, 7, ["a", "b"], half.snapshot());
    for (const entry of entries.slice(3)) {
      while (resumed.tick < entry.tick) resumed.step();
      resumed.apply(entry);
    }
    while (resumed.tick < 1200) resumed.step();
    expect(hashState(resumed.state)).toBe(hashState(whole.state));
  });
});

describe("arena input check by hand", () => {
  it("accepts exactly what the input schema accepts unchanged, and sends the rest to it", () => {
    const values: unknown[] = [null, 0, "move", [], [1, 0], {}, { type: "move" }];
    const parts: unknown[] = [-1, 0, 1, 2, 0.5, -0, "1", null, undefined, true];
    for (const dx of parts) {
      for (const dy of parts) {
        values.push({ type: "move", dx, dy }, { dy, dx, type: "move" }, { type: "jump", dx, dy }, { type: "move", dx, dy, extra: 1 }, { type: "move", dx });
      }
    }
    let accepted = 0;
    for (const value of values) {
      const parsed = arena.input.safeParse(value);
      if (isArenaInput(value)) {
        accepted += 1;
        expect(parsed.success, JSON.stringify(value)).toBe(true);
        expect(parsed.data).toEqual(value);
      }
      // What the check leaves, the schema decides: an extra key is stripped there, not refused.
      else if (parsed.success) expect(Object.keys(value as object)).toContain("extra");
    }
    expect(accepted).toBe(32); // 4 values (-1, 0, -0, 1) squared, in two key orders
  });
});
