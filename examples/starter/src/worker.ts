// The Worker: Edgeroom's rooms with this project's game, plus one route of its own that hands out tokens.
import { createEdgeroom } from "edgeroom";
import { createToken, roomClaimFor, TokenRequest } from "edgeroom/token";
import { z } from "zod";
import { reaction } from "./game.ts";

// The Durable Object classes, by the names wrangler.toml binds.
export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "edgeroom";

// Webhooks need no code: set WEBHOOK_URL and WEBHOOK_SECRET (README) and every room event is POSTed there, signed.
const edgeroom = createEdgeroom({
  games: [reaction],
  hooks: {
    // Runs in the room's alarm, at least once per match, never inside a tick: do your own bookkeeping here.
    onMatchEnd: (event) => console.log(`match ${event.data.matchId} in ${event.room} won by ${event.data.result.winners.join(", ") || "nobody"}`),
  },
});

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/api/token") return tokenRoute(request, env);
    return edgeroom.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;

/** How long a token lives, in seconds: the client asks for a new one on every reconnect, so keep it short. */
const TOKEN_TTL_SECONDS = 10 * 60;
/** The guest cookie: a random secret only this browser knows; the user's id is its hash. */
const GUEST_COOKIE = "guest";
const GUEST_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** What the page sends: what the SDK's getToken is asked for, plus a display name. */
const TokenRouteBody = z.object({ name: z.string().trim().min(1).max(64).optional() });

/**
 * POST /api/token: the SDK's `getToken` calls it for each room it opens. THIS IS WHERE YOUR OWN AUTH
 * GOES: check your session (cookie, OAuth, another issuer) and decide who the user is and what they
 * may open. The starter admits everyone as a guest, identified by a random cookie.
 */
async function tokenRoute(request: Request, env: Env): Promise<Response> {
  if (request.method !== "POST") return errorResponse(405, "method_not_allowed", "POST a token request");
  if (!env.AUTH_SECRET) return errorResponse(503, "auth_not_configured", "AUTH_SECRET is not set: `npm run dev` writes one to .dev.vars; deployed, run `npx wrangler secret put AUTH_SECRET`");
  const body: unknown = await request.json().catch(() => null);
  const wanted = TokenRequest.safeParse(body);
  const extra = TokenRouteBody.safeParse(body);
  if (!wanted.success || !extra.success) return errorResponse(400, "bad_request", "send { kind: \"doc\" | \"game\" | \"match\", roomId?, gameName?, name? }");

  const guest = await guestOf(request);
  // Guests may edit documents and play; a real app decides per user and per room here.
  const role = wanted.data.kind === "doc" ? "editor" : "player";
  const token = await createToken(
    { sub: guest.sub, name: extra.data.name, room: roomClaimFor(wanted.data), role, ttlSeconds: TOKEN_TTL_SECONDS },
    env.AUTH_SECRET,
  );
  const headers = new Headers({ "Content-Type": "application/json", "Cache-Control": "no-store" });
  if (guest.setCookie) {
    const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
    headers.append("Set-Cookie", `${GUEST_COOKIE}=${guest.secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${GUEST_COOKIE_MAX_AGE_SECONDS}${secure}`);
  }
  return new Response(JSON.stringify({ token, sub: guest.sub }), { headers });
}

/**
 * The guest behind the request's cookie, or a new one. The id shown to other players (`sub`) is a
 * hash of the cookie, so seeing someone's id does not let you act as them.
 */
async function guestOf(request: Request): Promise<{ sub: string; secret: string; setCookie: boolean }> {
  const cookie = request.headers.get("Cookie") ?? "";
  const found = cookie.split(";").map((part) => part.trim().split("=")).find(([name]) => name === GUEST_COOKIE)?.[1];
  const isValid = found !== undefined && /^[A-Za-z0-9_-]{22,64}$/.test(found);
  const secret = isValid ? found : randomId();
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  const sub = `guest-${[...hash.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
  return { sub, secret, setCookie: !isValid };
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
