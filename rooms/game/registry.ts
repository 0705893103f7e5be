import type { AnyGame } from "../../protocol/gameDefinition.ts";
import type { BoardDefinition } from "../../protocol/leaderboards.ts";

/**
 * Every game this Worker runs, by the name in its URL. `createEdgeroom` (server/edgeroom.ts) fills it
 * from the user's config at the top level of their Worker module, so it is set before the Worker or
 * any room in the same isolate handles a request; nothing else writes it.
 */
let games: ReadonlyMap<string, AnyGame> = new Map();
let isConfigured = false;

/** Replaces the registered games; only createEdgeroom calls this, after checking the list (unique names). */
export function registerGames(list: readonly AnyGame[]): void {
  games = new Map(list.map((game) => [game.name, game]));
  isConfigured = true;
}

/** Whether createEdgeroom has run in this isolate: a room without it cannot tell a typo from a missing setup. */
export function isRegistryConfigured(): boolean {
  return isConfigured;
}

/** The game named `name` in a URL, or undefined for a name no game has. */
export function findGame(name: string): AnyGame | undefined {
  return games.get(name);
}

/** The registered games, in the order the config listed them. */
export function registeredGames(): readonly AnyGame[] {
  return [...games.values()];
}

/** A board by its id, `{gameName}.{boardName}`. */
export function findBoard(boardId: string): BoardDefinition | undefined {
  const [gameName = "", boardName] = boardId.split(".");
  return findGame(gameName)?.boards?.find((b) => b.name === boardName);
}
