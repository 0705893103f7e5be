import { z } from "zod";
import { defineGame } from "../protocol/game.ts";

/** Tic-tac-toe for two players, turn by turn. Rules in rooms/game/SPEC.md. */
export type Mark = "X" | "O";
export interface TicTacToeState {
  board: ("" | Mark)[];
  seats: Partial<Record<Mark, string>>;
  turn: Mark;
  phase: "waiting" | "playing" | "over";
  winner: Mark | "draw" | null;
}
const TicTacToeInput = z.object({ type: z.literal("place"), cell: z.number().int().min(0).max(8) });
export type TicTacToeInput = z.infer<typeof TicTacToeInput>;
export type TicTacToeView = TicTacToeState;

const LINES = [
  [0, 1, 2], [3, 4, 5], [6, 7, 8],
  [0, 3, 6], [1, 4, 7], [2, 5, 8],
  [0, 4, 8], [2, 4, 6],
] as const;

function markOf(state: TicTacToeState, playerId: string): Mark | null {
  if (state.seats.X === playerId) return "X";
  if (state.seats.O === playerId) return "O";
  return null;
}

export const tictactoe = defineGame({
  name: "tictactoe",
  version: "1.0.0",
  input: TicTacToeInput,
  maxPlayers: 2,
  tickRateHz: 10,

  setup(): TicTacToeState {
    return { board: Array<"">(9).fill(""), seats: {}, turn: "X", phase: "waiting", winner: null };
  },

  onJoin(state, playerId) {
    if (markOf(state, playerId)) return;
    // [T1] the first player to sit is X, the second O.
    if (!state.seats.X) state.seats.X = playerId;
    else if (!state.seats.O) state.seats.O = playerId;
    // [T2] play starts once both seats are taken; X moves first.
    if (state.phase === "waiting" && state.seats.X && state.seats.O) state.phase = "playing";
  },

  onLeave(state, playerId) {
    const mark = markOf(state, playerId);
    if (!mark) return;
    // [T5] leaving during play forfeits: the other player wins.
    if (state.phase === "playing") {
      state.phase = "over";
      state.winner = mark === "X" ? "O" : "X";
    } else if (state.phase === "waiting") {
      delete state.seats[mark];
    }
  },

  onInput(state, playerId, input, ctx) {
    const mark = markOf(state, playerId);
    // [T3] only the player whose turn it is may move, and only into an empty cell.
    if (state.phase !== "playing" || mark !== state.turn || state.board[input.cell] !== "") {
      ctx.emit({ type: "illegal_move", playerId, cell: input.cell });
      return;
    }
    state.board[input.cell] = mark;
    // [T4] three in a row wins; a full board without one is a draw.
    if (LINES.some((line) => line.every((cell) => state.board[cell] === mark))) {
      state.phase = "over";
      state.winner = mark;
    } else if (state.board.every((cell) => cell !== "")) {
      state.phase = "over";
      state.winner = "draw";
    } else {
      state.turn = mark === "X" ? "O" : "X";
    }
  },

  onTick() {
    // Turn-based: nothing moves between inputs.
  },

  view(state): TicTacToeView {
    return state;
  },

  result(state) {
    const scores: Record<string, number> = {};
    for (const mark of ["X", "O"] as const) {
      const id = state.seats[mark];
      if (id) scores[id] = state.winner === mark ? 1 : 0;
    }
    const winnerId = state.winner === "X" || state.winner === "O" ? state.seats[state.winner] : undefined;
    return { isOver: state.phase === "over", scores, winners: winnerId ? [winnerId] : [] };
  },

  boards: [
    { name: "wins", operator: "incr", order: "desc", period: "all", score: (r, id) => (r.winners.includes(id) ? 1 : null) },
    { name: "wins-weekly", operator: "incr", order: "desc", period: "weekly", score: (r, id) => (r.winners.includes(id) ? 1 : null) },
  ],
});
