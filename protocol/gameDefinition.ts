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

/** Where a match stands, from the game's `result`: the room ends the match, records it and feeds the boards once `isOver`. */
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
  /** The game's name in its URLs (`/v1/game/{name}/{roomId}`, `/v1/match/{name}`): 1-32 of a-z, 0-9, _ and -; unique in a Worker. */
  name: string;
  /** Recorded in every replay; change it when the rules change, so old replays are not re-run with new rules. */
  version: string;
  /** Checks each input a player sends before `onInput` sees it; an input it refuses never reaches the rules. */
  input: z.ZodType<Input>;
  /**
   * Optional, for speed on the room's hot path: a hand-written check run before `input`. True only
   * where `input` accepts the value and outputs it unchanged (deep-equal); false sends the value to
   * `input`, which decides and words the error. A test should hold the two to the same verdicts.
   */
  isInput?(value: unknown): value is Input;
  /** Seats in one room. */
  maxPlayers: number;
  /** Ticks per second while players are connected; `onTick` runs on each. */
  tickRateHz: number;
  /**
   * Players send input on most ticks (an action game), rather than now and then (turns). On Durable
   * Objects a realtime room's sockets are not hibernatable: each message is cheaper for the room,
   * which never sleeps while players are connected anyway (it ticks), but a room left with only
   * spectators stays in memory, and its sockets close (1006, the SDK resumes) if it is evicted.
   * Default false: sockets hibernate with the room. Elsewhere it changes nothing.
   */
  realtime?: boolean;
  /** The state of a new match, from its seed and the players seated at the start. */
  setup(seed: number, players: string[]): State;
  /** A player took a seat. */
  onJoin(state: State, playerId: string, ctx: GameContext): void;
  /** A player left (or was gone too long to keep the seat). */
  onLeave(state: State, playerId: string, ctx: GameContext): void;
  /** A player's input, already checked by `input`. */
  onInput(state: State, playerId: string, input: Input, ctx: GameContext): void;
  /** Time moved by `dtMs` (one tick). */
  onTick(state: State, dtMs: number, ctx: GameContext): void;
  /**
   * What `playerId` may see; `null` is a spectator. A view function declared without the
   * `playerId` parameter is the same for everyone: the room builds and diffs it once per tick.
   */
  view(state: State, playerId: string | null): View;
  /** Where the match stands; the room asks after every tick and ends the match once `isOver`. */
  result(state: State): MatchResult;
  /**
   * Quantisation of the view's numbers on the binary wire, by field name: `{ x: 0.1 }` sends every
   * number under a key `x` as whole tenths (a client reads it within half a step, 0.05, of the
   * room's value) and sends no change smaller than that. Fields not named travel exactly. JSON
   * clients always get exact values.
   */
  precision?: Readonly<Record<string, number>>;
  /** Leaderboards fed from each finished match. */
  boards?: BoardDefinition[];
}

/** Any game definition, for code that runs games without knowing which (rule methods are bivariant). */
export type AnyGame = GameDefinition<unknown, unknown, unknown>;
/** The input type a game accepts: `InputOf<typeof myGame>` types `connection.send(...)`. */
export type InputOf<G> = G extends GameDefinition<unknown, infer I, unknown> ? I : never;
/** What a game's `view` returns: the state type a client receives. */
export type ViewOf<G> = G extends GameDefinition<unknown, unknown, infer V> ? V : never;

/**
 * Declares a game. It returns `game` unchanged; its point is inference: `Input` comes from the `input`
 * schema, `State` from what `setup` returns (annotate it when a literal would be too narrow) and `View`
 * from what `view` returns, so the rule methods are typed without repeating the types.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineGame } from "edgeroom/game";
 *
 * export const clicker = defineGame({
 *   name: "clicker",
 *   version: "1.0.0",
 *   input: z.object({ type: z.literal("click") }),
 *   maxPlayers: 4,
 *   tickRateHz: 10,
 *   setup: (): { clicks: Record<string, number> } => ({ clicks: {} }),
 *   onJoin: (state, id) => void (state.clicks[id] ??= 0),
 *   onLeave: (state, id) => void delete state.clicks[id],
 *   onInput: (state, id) => void (state.clicks[id] = (state.clicks[id] ?? 0) + 1),
 *   onTick: () => {},
 *   view: (state) => state,
 *   result: (state) => {
 *     const winners = Object.keys(state.clicks).filter((id) => state.clicks[id]! >= 10);
 *     return { isOver: winners.length > 0, scores: state.clicks, winners };
 *   },
 * });
 * ```
 */
export function defineGame<State, Input, View>(game: GameDefinition<State, Input, View>): GameDefinition<State, Input, View> {
  return game;
}
