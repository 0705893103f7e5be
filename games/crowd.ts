import { defineGame } from "../protocol/game.ts";
import { arena } from "./arena.ts";

/** Seats in one crowd room: a lobby-sized match, and the largest room the benchmarks tick. */
export const CROWD_MAX_PLAYERS = 100;

/**
 * Crowd: the arena's rules (rooms/game/SPEC.md A1-A7) with up to 100 players in one room. Only the name
 * and the seat count differ, so its matches, replays and leaderboards (`crowd.gems`) are its own.
 */
export const crowd = defineGame({
  ...arena,
  name: "crowd",
  maxPlayers: CROWD_MAX_PLAYERS,
});
