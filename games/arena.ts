import { z } from "zod";
import { defineGame, type GameContext } from "../protocol/game.ts";

/** Arena: players move around a box collecting gems; the highest score when time runs out wins. Rules in rooms/game/SPEC.md. */
export const ARENA_WIDTH = 800;
export const ARENA_HEIGHT = 600;
/** Player speed, in arena units per second. */
export const PLAYER_SPEED = 240;
/** Distance at which a player picks up a gem, in arena units. */
export const PICKUP_RADIUS = 24;
/** Gems on the field at all times. */
export const GEM_COUNT = 5;
/** Length of one match, in ms. */
export const MATCH_MS = 60_000;

export interface ArenaPlayer {
  x: number;
  y: number;
  dx: number;
  dy: number;
  score: number;
}
export interface ArenaState {
  timeLeftMs: number;
  players: Record<string, ArenaPlayer>;
  gems: Record<string, { x: number; y: number }>;
  nextGemId: number;
}
export type ArenaInput = z.infer<typeof ArenaInput>;
const Direction = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
const ArenaInput = z.object({ type: z.literal("move"), dx: Direction, dy: Direction });
const isDirection = (value: unknown) => value === -1 || value === 0 || value === 1;
/** ArenaInput's verdict by hand, for the room's hot path: exactly its three keys (an extra one, which zod strips, goes to zod). */
export function isArenaInput(value: unknown): value is ArenaInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { type, dx, dy } = value as Record<string, unknown>;
  return type === "move" && isDirection(dx) && isDirection(dy) && Object.keys(value).length === 3;
}

export interface ArenaView {
  timeLeftMs: number;
  players: Record<string, { x: number; y: number; score: number }>;
  gems: Record<string, { x: number; y: number }>;
}

function spawnGem(state: ArenaState, ctx: GameContext): void {
  state.gems[`g${state.nextGemId++}`] = {
    x: Math.round(PICKUP_RADIUS + ctx.random() * (ARENA_WIDTH - 2 * PICKUP_RADIUS)),
    y: Math.round(PICKUP_RADIUS + ctx.random() * (ARENA_HEIGHT - 2 * PICKUP_RADIUS)),
  };
}

const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));

export const arena = defineGame({
  name: "arena",
  version: "1.0.0",
  input: ArenaInput,
  isInput: isArenaInput,
  maxPlayers: 8,
  tickRateHz: 20,
  // Every player sends a move most ticks: the room's sockets are not hibernatable (GameRoom.options).
  realtime: true,
  // Positions are whole units and the clock moves in 50 ms ticks: lossless steps, one byte a move.
  precision: { x: 1, y: 1, timeLeftMs: 50 },

  setup(): ArenaState {
    return { timeLeftMs: MATCH_MS, players: {}, gems: {}, nextGemId: 0 };
  },

  onJoin(state, playerId, ctx) {
    // [A1] a joining player appears at a random spot, standing still, with 0 points.
    state.players[playerId] = {
      x: Math.round(ctx.random() * ARENA_WIDTH),
      y: Math.round(ctx.random() * ARENA_HEIGHT),
      dx: 0,
      dy: 0,
      score: 0,
    };
    // [A4] the field always holds GEM_COUNT gems once someone plays.
    while (Object.keys(state.gems).length < GEM_COUNT) spawnGem(state, ctx);
  },

  onLeave(state, playerId) {
    // [A6] a player who leaves is removed with their score.
    delete state.players[playerId];
  },

  onInput(state, playerId, input) {
    const player = state.players[playerId];
    // [A7] inputs after the end, or from someone not in the match, change nothing.
    if (!player || state.timeLeftMs <= 0) return;
    // [A2] an input sets the direction the player keeps moving in.
    player.dx = input.dx;
    player.dy = input.dy;
  },

  onTick(state, dtMs, ctx) {
    if (state.timeLeftMs <= 0) return;
    // [A5] the match clock runs down by one tick's length per tick.
    state.timeLeftMs = Math.max(0, state.timeLeftMs - dtMs);
    const step = (PLAYER_SPEED * dtMs) / 1000;
    for (const [id, player] of Object.entries(state.players)) {
      const norm = player.dx !== 0 && player.dy !== 0 ? Math.SQRT1_2 : 1;
      // [A2] movement is clamped to the arena; positions are whole units.
      player.x = Math.round(clamp(player.x + player.dx * step * norm, ARENA_WIDTH));
      player.y = Math.round(clamp(player.y + player.dy * step * norm, ARENA_HEIGHT));
      for (const [gemId, gem] of Object.entries(state.gems)) {
        // [A3] touching a gem scores a point; the gem is replaced elsewhere.
        if (Math.hypot(gem.x - player.x, gem.y - player.y) <= PICKUP_RADIUS) {
          player.score += 1;
          delete state.gems[gemId];
          spawnGem(state, ctx);
          ctx.emit({ type: "gem", playerId: id, score: player.score });
        }
      }
    }
  },

  view(state): ArenaView {
    const players: ArenaView["players"] = {};
    for (const [id, p] of Object.entries(state.players)) players[id] = { x: p.x, y: p.y, score: p.score };
    return { timeLeftMs: state.timeLeftMs, players, gems: { ...state.gems } };
  },

  result(state) {
    const scores = Object.fromEntries(Object.entries(state.players).map(([id, p]) => [id, p.score]));
    const isOver = state.timeLeftMs <= 0;
    const best = Math.max(0, ...Object.values(scores));
    // [A5] when time is up, every player with the best score (above 0) wins.
    const winners = isOver && best > 0 ? Object.keys(scores).filter((id) => scores[id] === best) : [];
    return { isOver, scores, winners };
  },

  boards: [
    // Best gems in one match, of all time.
    { name: "gems", operator: "best", order: "desc", period: "all", score: (r, id) => r.scores[id] ?? null },
    // Gems collected today, over all matches.
    { name: "gems-daily", operator: "incr", order: "desc", period: "daily", score: (r, id) => r.scores[id] ?? null },
  ],
});
