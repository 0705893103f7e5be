import { env } from "cloudflare:workers";
import { app } from "./app.ts";
import { isDevTokensOn } from "./auth.ts";

export { DocRoom } from "../rooms/doc/DocRoom.ts";
export { GameRoom } from "../rooms/game/GameRoom.ts";
export { Matchmaker } from "../rooms/game/Matchmaker.ts";

if (isDevTokensOn(env)) {
  console.warn(
    "Edgeroom: development tokens are ON. POST /v1/dev/token hands out tokens to anyone; " +
      "never deploy with DEV_TOKENS=on (env.production turns it off).",
  );
}

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
