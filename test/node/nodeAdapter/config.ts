// The repo's shipped games, as a user's `edgeroom serve --config` module would list theirs.
import { arena } from "../../../games/arena.ts";
import { crowd } from "../../../games/crowd.ts";
import { tictactoe } from "../../../games/tictactoe.ts";

export default { games: [arena, crowd, tictactoe] };
