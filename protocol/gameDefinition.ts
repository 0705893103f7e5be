import type { z } from "zod";
import type { BoardDefinition } from "./leaderboards.ts";

/** What a game's rules get besides state: deterministic time and randomness. */
export interface GameContext {
  /** Match time in ms: ticks completed times the tick length. Never the wall clock. */
  readonly now: number;
  /** Ticks completed in this match. */
  readonly tick: number;
  /** Seeded uniform random number in [0, 1). */
  random(): number;
  /** Tells the players something happened (a goal, a win); events go out with the next tick. */
  emit(event: unknown): void;
}

export interface MatchResult {
  isOver: boolean;
  /** Score per player id. */
  scores: Record<string, number>;
  /** Winning player ids (empty for a draw or while running). */
  winners: string[];
}

/**
 * A game: pure rules with no runtime imports, run by the room on the server and by the
 * SDK for prediction and replays. `State` must be plain JSON; the rules may mutate it.
 */
export interface GameDefinition<State = unknown, Input = unknown, View = unknown> {
  name: string;
  version: string;
  input: z.ZodType<Input>;
  maxPlayers: number;
  tickRateHz: number;
  setup(seed: number, players: string[]): State;
  onJoin(state: State, playerId: string, ctx: GameContext): void;
  onLeave(state: State, playerId: string, ctx: GameContext): void;
  onInput(state: State, playerId: string, input: Input, ctx: GameContext): void;
  onTick(state: State, dtMs: number, ctx: GameContext): void;
  /**
   * What `playerId` may see; `null` is a spectator. A view function declared without the
   * `playerId` parameter is the same for everyone: the room builds and diffs it once per tick.
   */
  view(state: State, playerId: string | null): View;
  result(state: State): MatchResult;
  /** Leaderboards fed from each finished match. */
  boards?: BoardDefinition[];
}

/** Any game definition, for code that runs games without knowing which (rule methods are bivariant). */
export type AnyGame = GameDefinition<unknown, unknown, unknown>;
export type InputOf<G> = G extends GameDefinition<unknown, infer I, unknown> ? I : never;
export type ViewOf<G> = G extends GameDefinition<unknown, unknown, infer V> ? V : never;
