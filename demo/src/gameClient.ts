import { createClient, type AnyGame, type GameConnection } from "@edgeroom/client";
import { fetchDevToken } from "./devToken.ts";

/**
 * What both game pages share: who this tab is, a client with development tokens, and the
 * room from the URL (or one found by matchmaking, written back to the URL to share).
 */
export const params = new URLSearchParams(location.search);
export const role = params.get("role") === "spectator" ? "spectator" : "player";
const userId = sessionStorage.getItem("edgeroom-player") ?? `p-${crypto.randomUUID().slice(0, 8)}`;
sessionStorage.setItem("edgeroom-player", userId);
export const playerName = params.get("name") ?? userId;

export const client = createClient({
  baseUrl: location.origin,
  getToken: (request) =>
    fetchDevToken({ sub: userId, name: playerName, room: request.kind === "doc" ? `doc/${request.roomId}` : `game/${request.gameName}/*`, role }),
});

export async function joinFromUrl<G extends AnyGame>(gameName: string): Promise<GameConnection<G>> {
  const roomId = params.get("room");
  if (roomId) return client.game<G>(gameName, roomId);
  // A quick join is one request (the matchmaker's socket, resolved once seated); a private room is made by the match route.
  const game = params.get("mode") === "private" ? await client.joinOrCreate<G>(gameName, { mode: "private" }) : await client.quickJoin<G>(gameName);
  params.set("room", game.roomId);
  history.replaceState(null, "", `?${params}`);
  return game;
}

/** Connection state, round trip and a spectator link, kept current in the header. */
export function showConnection(game: GameConnection<AnyGame>): void {
  const status = document.getElementById("status")!;
  const rtt = document.getElementById("rtt")!;
  const spectate = document.getElementById("spectate") as HTMLAnchorElement;
  const room = document.getElementById("room-name")!;
  room.textContent = game.roomId;
  spectate.href = `?room=${game.roomId}&role=spectator`;
  document.getElementById("role")!.textContent = role;
  const showStatus = (next: GameConnection<AnyGame>["status"]) => {
    status.textContent = next;
    status.dataset.status = next === "joined" ? "saved" : next;
  };
  // A quick join's connection is seated already when the page gets it: show where it is now, then follow it.
  showStatus(game.status);
  game.on("status", showStatus);
  game.on("close", ({ code, reason }) => {
    const error = document.getElementById("error")!;
    error.hidden = false;
    error.textContent = `Disconnected for good (${code}): ${reason}`;
  });
  setInterval(() => (rtt.textContent = game.rttMs === null ? "" : `${game.rttMs} ms`), 500);
  Object.assign(window, { edgeroomDemo: { game } });
}
