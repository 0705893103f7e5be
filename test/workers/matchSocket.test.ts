// WebSocket /v1/match/{gameName}/join: a quick join in one request. The matchmaker picks the room and the
// socket goes straight to it; the welcome names the room, whose own URL a reconnect uses with the seat's
// resume token. Refusals are plain HTTP answers before any seat is reserved.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { arena } from "../../games/arena.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import { join, message } from "./gameHelpers.ts";
import { BASE, TestSocket, devToken } from "./helpers.ts";

const quickJoinUrl = (game: string, token: string, query = "") => `${BASE}/v1/match/${game}/join?token=${token}${query}`;

/** Opens the quick-join socket for `sub` and says hello; resolves with the socket and its welcome. */
async function quickJoin(game: string, sub: string, query = "") {
  const token = await devToken({ sub, room: `game/${game}/*`, role: "player" });
  const response = await exports.default.fetch(quickJoinUrl(game, token, query), { headers: { Upgrade: "websocket" } });
  if (!response.webSocket) throw new Error(`refused: ${response.status} ${await response.text()}`);
  const socket = new TestSocket(response.webSocket);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  return { socket, welcome: await message(socket, "welcome") };
}

async function refusal(url: string, headers: Record<string, string> = { Upgrade: "websocket" }) {
  const response = await exports.default.fetch(url, { headers });
  const body = await response.json<{ error: { code: string } }>();
  return { status: response.status, code: body.error.code };
}

describe("WebSocket /v1/match/{gameName}/join", () => {
  it("seats players through the matchmaker in one request each: rooms fill to maxPlayers, and each welcome names its room", async () => {
    const region = "&region=apac";
    const joined = [];
    for (let i = 0; i < arena.maxPlayers + 1; i++) joined.push(await quickJoin("arena", `qj-${i}`, region));
    const rooms = joined.map((j) => j.welcome.roomId);
    expect(rooms.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(rooms.slice(0, arena.maxPlayers)).size, "the first maxPlayers in one room").toBe(1);
    expect(rooms[arena.maxPlayers], "the next one in a new room").not.toBe(rooms[0]);
    expect(joined.slice(0, arena.maxPlayers).map((j) => j.welcome.seat).sort((a, b) => a! - b!)).toEqual([...Array(arena.maxPlayers).keys()]);
    // The matchmaker counts them as the POST's quick joins are counted: the lobby lists one room with its one player.
    const open = await (await exports.default.fetch(`${BASE}/v1/match/arena/open?region=apac`)).json<{ rooms: { roomId: string; taken: number }[] }>();
    expect(open.rooms.map((r) => r.roomId)).toEqual([rooms[arena.maxPlayers]]);
    for (const { socket } of joined) socket.close();
  });

  it("a reconnect goes to the room the welcome named and keeps the seat with its resume token", async () => {
    const first = await quickJoin("arena", "qj-resume", "&region=oc");
    const roomId = first.welcome.roomId!;
    first.socket.close();
    await first.socket.closed;
    const again = await join("arena", roomId, "qj-resume", { resume: first.welcome.resumeToken! });
    expect(again.welcome.seat).toBe(first.welcome.seat);
    expect(again.welcome.roomId).toBe(roomId);
    again.socket.close();
  });

  it("refuses with an HTTP answer before reserving a seat: no upgrade 426, no token 401, a spectator or one room's token 403, an unknown game 404, a bad region 400", async () => {
    const player = await devToken({ sub: "qj-refused", room: "game/arena/*", role: "player" });
    expect(await refusal(quickJoinUrl("arena", player, "&region=sam"), {})).toEqual({ status: 426, code: "upgrade_required" });
    // The plain GET reserved nothing: the region's lobby is still empty.
    const open = await (await exports.default.fetch(`${BASE}/v1/match/arena/open?region=sam`)).json<{ rooms: unknown[] }>();
    expect(open.rooms).toEqual([]);
    expect((await refusal(`${BASE}/v1/match/arena/join`)).status).toBe(401);
    const spectator = await devToken({ sub: "qj-spectator", room: "game/arena/*", role: "spectator" });
    expect(await refusal(quickJoinUrl("arena", spectator))).toEqual({ status: 403, code: "role_not_allowed" });
    const oneRoom = await devToken({ sub: "qj-one-room", room: "game/arena/some-room", role: "player" });
    expect((await refusal(quickJoinUrl("arena", oneRoom))).status).toBe(403);
    expect(await refusal(quickJoinUrl("no-such-game", player))).toEqual({ status: 404, code: "unknown_game" });
    expect(await refusal(quickJoinUrl("arena", player, "&region=mars"))).toEqual({ status: 400, code: "bad_region" });
  });
});
