import { describe, expect, it } from "vitest";
import { MatchEngine, hashState, replayMatch, type MatchEntry } from "../protocol/game.ts";
import { tictactoe } from "./tictactoe.ts";

function seated() {
  const engine = new MatchEngine(tictactoe, 1, ["x", "o"]);
  engine.join("x");
  engine.join("o");
  return engine;
}
const place = (engine: MatchEngine<typeof tictactoe>, player: string, cell: number) =>
  engine.input(player, { type: "place", cell });

describe("tic-tac-toe rules", () => {
  it("[T1] seats the first player as X and the second as O", () => {
    expect(seated().state.seats).toEqual({ X: "x", O: "o" });
  });

  it("[T2] waits for two players, then X moves first", () => {
    const engine = new MatchEngine(tictactoe, 1, ["x"]);
    engine.join("x");
    expect(engine.state.phase).toBe("waiting");
    engine.join("o");
    expect(engine.state).toMatchObject({ phase: "playing", turn: "X" });
  });

  it("[T3] refuses a move out of turn or into a taken cell", () => {
    const engine = seated();
    place(engine, "o", 0);
    expect(engine.state.board[0]).toBe("");
    place(engine, "x", 0);
    place(engine, "o", 0);
    expect(engine.state.board[0]).toBe("X");
    expect(engine.state.turn).toBe("O");
    expect(engine.drainEvents()).toEqual([
      { type: "illegal_move", playerId: "o", cell: 0 },
      { type: "illegal_move", playerId: "o", cell: 0 },
    ]);
  });

  it("[T4] three in a row wins", () => {
    const engine = seated();
    for (const [player, cell] of [["x", 0], ["o", 3], ["x", 1], ["o", 4], ["x", 2]] as const) place(engine, player, cell);
    expect(tictactoe.result(engine.state)).toEqual({ isOver: true, scores: { x: 1, o: 0 }, winners: ["x"] });
  });

  it("[T4] a full board without a line is a draw", () => {
    const engine = seated();
    for (const [player, cell] of [["x", 0], ["o", 1], ["x", 2], ["o", 4], ["x", 3], ["o", 5], ["x", 7], ["o", 6], ["x", 8]] as const) {
      place(engine, player, cell);
    }
    expect(engine.state.winner).toBe("draw");
    expect(tictactoe.result(engine.state).winners).toEqual([]);
  });

  it("[T5] leaving during play forfeits", () => {
    const engine = seated();
    engine.leave("x");
    expect(tictactoe.result(engine.state)).toMatchObject({ isOver: true, winners: ["o"] });
  });

  it("is deterministic from its record", () => {
    const entries: MatchEntry[] = [
      { tick: 0, kind: "join", playerId: "x" },
      { tick: 0, kind: "join", playerId: "o" },
      { tick: 2, kind: "input", playerId: "x", seq: 1, input: { type: "place", cell: 4 } },
      { tick: 5, kind: "input", playerId: "o", seq: 1, input: { type: "place", cell: 0 } },
    ];
    const run = () => replayMatch(tictactoe, { seed: 3, players: ["x", "o"], entries, finalTick: 10 });
    expect(hashState(run().state)).toBe(hashState(run().state));
  });
});
