import { describe, expect, it } from "vitest";
import { MatchEngine, hashState, replayMatch, type MatchEntry } from "../../../protocol/match.ts";
import { GEM_COUNT, MATCH_MS, PLAYER_SPEED, arena } from "./arena.ts";

function started(players = ["a"]) {
  const engine = new MatchEngine(arena, 42, players);
  for (const id of players) engine.join(id);
  return engine;
}

describe("arena rules", () => {
  it("[A1] places a joining player inside the arena, still, with 0 points", () => {
    const { state } = started();
    expect(state.players.a).toMatchObject({ dx: 0, dy: 0, score: 0 });
    expect(state.players.a!.x).toBeGreaterThanOrEqual(0);
    expect(state.players.a!.x).toBeLessThanOrEqual(800);
  });

  it("[A2] moves the player in the input's direction at 240 units/s, clamped to the arena", () => {
    const engine = started();
    engine.state.players.a!.x = 400;
    engine.state.players.a!.y = 300;
    engine.state.gems = {};
    engine.input("a", { type: "move", dx: 1, dy: 0 });
    for (let i = 0; i < 20; i++) engine.step();
    expect(engine.state.players.a!.x).toBe(400 + PLAYER_SPEED);
    engine.input("a", { type: "move", dx: -1, dy: 0 });
    for (let i = 0; i < 100; i++) engine.step();
    expect(engine.state.players.a!.x).toBe(0);
  });

  it("[A3] scores a point for a gem in reach and replaces it", () => {
    const engine = started();
    const player = engine.state.players.a!;
    engine.state.gems = { g99: { x: player.x + 5, y: player.y } };
    engine.step();
    expect(engine.state.players.a!.score).toBe(1);
    expect(engine.state.gems.g99).toBeUndefined();
    expect(Object.keys(engine.state.gems)).toHaveLength(1);
    expect(engine.drainEvents()).toEqual([{ type: "gem", playerId: "a", score: 1 }]);
  });

  it("[A4] keeps 5 gems on the field once someone joined", () => {
    expect(Object.keys(started().state.gems)).toHaveLength(GEM_COUNT);
  });

  it("[A5] ends after 60 s of ticks; the best score above 0 wins", () => {
    const engine = started(["a", "b"]);
    engine.state.players.a!.score = 3;
    for (let i = 0; i < (MATCH_MS / 1000) * arena.tickRateHz; i++) engine.step();
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
