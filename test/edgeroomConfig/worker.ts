// A Worker built the way a user builds theirs, with every config field the edge and rooms read:
// the in-workerd tests beside it run against this instead of the repo's own Worker.
import { tictactoe } from "../../games/tictactoe.ts";
import { createEdgeroom } from "../../server/edgeroom.ts";

export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "../../server/edgeroom.ts";

/** The user's own session check: a cookie `session=<sub>` stands in for a real session store. */
async function authorize(request: Request): Promise<{ sub: string; role: string; room?: string } | null> {
  const session = request.headers.get("Cookie")?.match(/(?:^|;\s*)session=([^;]+)/)?.[1];
  if (!session) return null;
  if (session === "throws") throw new Error("session store unreachable");
  if (session === "malformed") return { sub: "", role: "editor" };
  const path = new URL(request.url).pathname;
  const role = path.startsWith("/v1/game/") || path.startsWith("/v1/match/") ? "player" : "editor";
  if (session === "elsewhere") return { sub: session, role, room: "doc/somewhere-else" };
  if (session === "reader") return { sub: session, role: "player" };
  return { sub: session, role };
}

export const CONFIG = {
  games: [tictactoe],
  auth: { authorize },
  origins: ["https://play.example.com"],
  limits: { maxConnectionsPerSub: 1, publicRequestsPerMinute: 4, roomCreationsPerMinute: 2 },
};

const edgeroom = createEdgeroom(CONFIG);

export default { fetch: edgeroom.fetch } satisfies ExportedHandler<Env>;
