// A Worker module whose config is wrong: importing it must throw, as starting it would.
import { tictactoe } from "../../games/tictactoe.ts";
import { createEdgeroom } from "../../server/edgeroom.ts";

export default createEdgeroom({ games: [{ ...tictactoe, tickRateHz: 0 }], origins: ["https://example.com/app"] });
