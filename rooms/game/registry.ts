import type { AnyGame } from "../../protocol/gameDefinition.ts";
import type { BoardDefinition } from "../../protocol/leaderboards.ts";
import { arena } from "./games/arena.ts";
import { crowd } from "./games/crowd.ts";
import { tictactoe } from "./games/tictactoe.ts";

/**
 * Every game the service runs, by the name in its URL. To add a game, write its
 * definition under games/ and list it here (see the README, "Writing a game").
 */
export const GAMES: Record<string, AnyGame> = {
  [arena.name]: arena as AnyGame,
  [crowd.name]: crowd as AnyGame,
  [tictactoe.name]: tictactoe as AnyGame,
};

export function findGame(name: string): AnyGame | undefined {
  return Object.hasOwn(GAMES, name) ? GAMES[name] : undefined;
}

/** A board by its id, `{gameName}.{boardName}`. */
export function findBoard(boardId: string): BoardDefinition | undefined {
  const [gameName = "", boardName] = boardId.split(".");
  return findGame(gameName)?.boards?.find((b) => b.name === boardName);
}
