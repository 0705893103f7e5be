import { z } from "zod";
import { defineGame } from "edgeroom/game";

/**
 * Reaction: two players watch a light. It turns green after a random wait; the first to click then
 * takes the round. Clicking while it is still red gives the round to the other player. First to
 * POINTS_TO_WIN rounds wins the match.
 *
 * The rules are pure: time comes from `ctx.now` and randomness from `ctx.random()`, so the room can
 * record a match and replay it exactly. The same module runs in the Worker (src/worker.ts) and types
 * the page (src/page.ts).
 */

/** Rounds a player must take to win the match. */
export const POINTS_TO_WIN = 3;
/** Shortest and longest wait for green after a round starts, in ms of match time. */
const MIN_WAIT_MS = 1_000;
const MAX_WAIT_MS = 3_000;

type Phase = "waiting" | "ready" | "go" | "over";

interface ReactionState {
  /** Seated players, in the order they sat down. */
  players: string[];
  points: Record<string, number>;
  /** `waiting` for a second player, `ready` (red), `go` (green), `over`. */
  phase: Phase;
  round: number;
  /** When the light turns (or turned) green, in ms of match time. Kept out of the view: it would tell players when to click. */
  goAtMs: number;
  lastRound: { winner: string; reactionMs: number | null; early: boolean } | null;
  winner: string | null;
}

/** One input, checked by this schema before the rules see it. */
const Input = z.object({ type: z.literal("click") });

export const reaction = defineGame({
  name: "reaction",
  version: "1.0.0",
  input: Input,
  maxPlayers: 2,
  // 20 ticks a second: the light turns green within 50 ms of its time.
  tickRateHz: 20,

  setup: (): ReactionState => ({ players: [], points: {}, phase: "waiting", round: 0, goAtMs: 0, lastRound: null, winner: null }),

  onJoin(state, playerId, ctx) {
    if (!state.players.includes(playerId)) state.players.push(playerId);
    state.points[playerId] ??= 0;
    if (state.phase === "waiting" && state.players.length === 2) startRound(state, ctx.now, ctx.random());
  },

  onLeave(state, playerId) {
    state.players = state.players.filter((id) => id !== playerId);
    if (state.phase === "ready" || state.phase === "go") {
      // Leaving mid-match forfeits it.
      state.phase = "over";
      state.winner = state.players[0] ?? null;
    } else if (state.phase === "waiting") {
      delete state.points[playerId];
    }
  },

  onInput(state, playerId, _input, ctx) {
    if (!state.players.includes(playerId)) return;
    const other = state.players.find((id) => id !== playerId)!;
    if (state.phase === "ready") {
      state.lastRound = { winner: other, reactionMs: null, early: true };
    } else if (state.phase === "go") {
      state.lastRound = { winner: playerId, reactionMs: ctx.now - state.goAtMs, early: false };
    } else {
      return;
    }
    const winner = state.lastRound.winner;
    state.points[winner] = (state.points[winner] ?? 0) + 1;
    ctx.emit({ type: "round", ...state.lastRound });
    if (state.points[winner]! >= POINTS_TO_WIN) {
      state.phase = "over";
      state.winner = winner;
    } else {
      startRound(state, ctx.now, ctx.random());
    }
  },

  onTick(state, _dtMs, ctx) {
    if (state.phase === "ready" && ctx.now >= state.goAtMs) {
      state.phase = "go";
      state.goAtMs = ctx.now;
    }
  },

  // Declared without `playerId`: one view for everyone, built once per tick.
  view: ({ goAtMs: _hidden, ...visible }) => visible,

  result: (state) => ({
    isOver: state.phase === "over",
    scores: state.points,
    winners: state.winner ? [state.winner] : [],
  }),

  // GET /v1/leaderboards/reaction.wins: one point per match won.
  boards: [{ name: "wins", operator: "incr", order: "desc", period: "all", score: (result, playerId) => (result.winners.includes(playerId) ? 1 : null) }],
});

function startRound(state: ReactionState, now: number, random: number): void {
  state.phase = "ready";
  state.round += 1;
  state.goAtMs = now + MIN_WAIT_MS + Math.floor(random * (MAX_WAIT_MS - MIN_WAIT_MS));
}
