/**
 * `edgeroom/game`: what a game module needs, and nothing that runs only in a Worker, so the same
 * module is imported by the Worker (to run it), by the page (for typed inputs, prediction, replays)
 * and by Node tests. Write games against this entry, not against `edgeroom`, whose Durable Objects a
 * browser bundle cannot load.
 *
 * @module
 */
export { defineGame, type AnyGame, type GameContext, type GameDefinition, type InputOf, type MatchResult, type ViewOf } from "./gameDefinition.ts";
export type { BoardDefinition } from "./leaderboards.ts";
export { MatchEngine, hashState, replayMatch, type MatchEntry } from "./match.ts";
