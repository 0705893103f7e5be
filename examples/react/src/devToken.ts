import type { TokenRequest } from "@edgeroom/client";

/**
 * Where the Edgeroom service runs. The page talks to it cross-origin, as an app talks to a hosted
 * service: locally the service admits pages of any loopback origin without configuration, and a
 * deployed one admits the origins listed in ALLOWED_ORIGINS (set it to this app's origin). Same-origin
 * through a dev-server proxy would work too, but a production app has no such proxy in front of it.
 */
export const SERVICE_URL: string = import.meta.env.VITE_EDGEROOM_URL ?? "http://127.0.0.1:8787";

/** Who this tab is: one user per tab, so two tabs are two people. */
export const me = { sub: `guest-${crypto.randomUUID().slice(0, 8)}`, name: `Guest ${Math.floor(Math.random() * 900 + 100)}` };

/** The room claim and role a token for `request` needs (README, "Tokens"). */
function claimFor(request: TokenRequest): { room: string; role: string } {
  switch (request.kind) {
    case "doc":
      return { room: `doc/${request.roomId}`, role: "editor" };
    case "game":
      return { room: `game/${request.gameName}/${request.roomId}`, role: "player" };
    case "match":
      return { room: `game/${request.gameName}/*`, role: "player" };
  }
}

/**
 * A development token from the service's POST /v1/dev/token: served only while DEV_TOKENS is on (the
 * repo's `npm start` and `npm run dev` turn it on) and only to loopback. A real app asks its own backend,
 * which signs tokens with `edgeroom/token` after checking its own session.
 */
export async function getToken(request: TokenRequest): Promise<string> {
  const response = await fetch(new URL("/v1/dev/token", SERVICE_URL), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...me, ...claimFor(request) }),
  });
  const body = (await response.json().catch(() => null)) as { token?: unknown; error?: { message?: string } } | null;
  if (!response.ok || typeof body?.token !== "string") {
    throw new Error(`no development token (HTTP ${response.status}): ${body?.error?.message ?? "is the service running with DEV_TOKENS on?"}`);
  }
  return body.token;
}
