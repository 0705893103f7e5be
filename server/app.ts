import { Hono } from "hono";
import { logEvent } from "../rooms/log.ts";
import { mountAdmin } from "./admin/app.ts";
import { jsonError } from "./errors.ts";
import { checkOrigins } from "./origins.ts";
import { serverTiming } from "./timing.ts";
import { handleDevToken } from "./routes/devToken.ts";
import { handleDocSocket } from "./routes/docSocket.ts";
import { handleDocVersion, handleDocVersions } from "./routes/docVersions.ts";
import { handleGameSocket } from "./routes/gameSocket.ts";
import { handleLeaderboard } from "./routes/leaderboards.ts";
import { handleMatch, handleMatchSocket, handleOpenRooms } from "./routes/matchmaking.ts";
import { handleReplay, handleReplayList } from "./routes/replays.ts";
import { handleHealth } from "./routes/health.ts";
import { handlePartiesSocket } from "./routes/partiesSocket.ts";
import { rateLimitByAddress } from "./rateLimit.ts";

export type AppEnv = { Bindings: Env };

/** The routing table: every public path of the service, under /v1. */
export const app = new Hono<AppEnv>();
app.use(serverTiming());
app.use(checkOrigins());
mountAdmin(app);
// Public HTTP routes, per client address (sockets are bounded by their rooms, admin by its token).
for (const path of ["/v1/dev/token", "/v1/doc/:roomId/versions", "/v1/doc/:roomId/versions/*", "/v1/match/*", "/v1/leaderboards/*", "/v1/replays/*"]) {
  app.use(path, rateLimitByAddress());
}
app
  .get("/v1/health", handleHealth)
  .post("/v1/dev/token", handleDevToken)
  .get("/v1/doc/:roomId", handleDocSocket)
  .get("/v1/doc/:roomId/versions", handleDocVersions)
  .get("/v1/doc/:roomId/versions/:versionId", handleDocVersion)
  // Deeper or empty paths reach the same handler, which answers 400 for the bad room id.
  .get("/v1/doc/*", handleDocSocket)
  .get("/v1/game/:gameName/:roomId", handleGameSocket)
  .post("/v1/match/:gameName", handleMatch)
  .get("/v1/match/:gameName/open", handleOpenRooms)
  .get("/v1/match/:gameName/join", handleMatchSocket)
  .get("/v1/leaderboards/:board", handleLeaderboard)
  .get("/v1/replays/:gameName/:roomId", handleReplayList)
  .get("/v1/replays/:gameName/:roomId/:matchId", handleReplay)
  // PartyKit clients (y-partyserver's YProvider, partysocket): doc rooms, through the doc socket's checks.
  .get("/parties/:party/:roomId", handlePartiesSocket);

app.notFound((c) => jsonError(c, 404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));

app.onError((error, c) => {
  logEvent("request_failed", { method: c.req.method, path: new URL(c.req.url).pathname, error });
  return jsonError(c, 500, "internal", "internal error");
});
