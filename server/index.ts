// This repository's own Worker: an ordinary user of the `edgeroom` package's public entry point
// (server/edgeroom.ts), running the shipped games as a user runs theirs.
import { env } from "cloudflare:workers";
import { arena } from "../games/arena.ts";
import { crowd } from "../games/crowd.ts";
import { tictactoe } from "../games/tictactoe.ts";
import { createEdgeroom } from "./edgeroom.ts";

// Re-exported by name, as wrangler.toml binds them: a class export is a value and a type, which
// `wrangler types` needs for the bindings' stub types.
export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "./edgeroom.ts";

const edgeroom = createEdgeroom({ games: [arena, crowd, tictactoe] });

if (env.DEV_TOKENS === "on") {
  console.warn(
    "Edgeroom: development tokens are ON. POST /v1/dev/token hands out tokens to anyone who reaches a loopback host; " +
      "only local runs set DEV_TOKENS=on: never set it on a deployed Worker.",
  );
}

export default {
  fetch: edgeroom.fetch,
} satisfies ExportedHandler<Env>;
