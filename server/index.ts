// This repository's own Worker: an ordinary user of the `edgeroom` package's public entry point
// (server/edgeroom.ts), running the shipped games as a user runs theirs.
import { arena } from "../games/arena.ts";
import { crowd } from "../games/crowd.ts";
import { tictactoe } from "../games/tictactoe.ts";
import { createEdgeroom } from "./edgeroom.ts";

// Re-exported by name, as wrangler.toml binds them: a class export is a value and a type, which
// `wrangler types` needs for the bindings' stub types.
export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "./edgeroom.ts";

const edgeroom = createEdgeroom({ games: [arena, crowd, tictactoe] });

export default {
  fetch: edgeroom.fetch,
} satisfies ExportedHandler<Env>;
