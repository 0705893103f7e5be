import { env } from "cloudflare:workers";
import { app } from "./app.ts";
import { isDevTokensOn } from "./auth.ts";

export { DocRoom } from "../rooms/doc/DocRoom.ts";
export { GameRoom } from "../rooms/game/GameRoom.ts";
export { Matchmaker } from "../rooms/game/Matchmaker.ts";
export { RateLimiter } from "../rooms/RateLimiter.ts";

if (isDevTokensOn(env)) {
  console.warn(
    "Edgeroom: development tokens are ON. POST /v1/dev/token hands out tokens to anyone who reaches a loopback host; " +
      "only local runs set DEV_TOKENS=on: never set it on a deployed Worker.",
  );
}

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
