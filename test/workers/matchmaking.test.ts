import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { arena } from "../../games/arena.ts";
import { BASE, devToken } from "./helpers.ts";

async function match(body: unknown, token?: string) {
  const auth = token ?? (await devToken({ sub: "mm", room: "game/*", role: "player" }));
  return exports.default.fetch(`${BASE}/v1/match/arena`, {
    method: "POST",
    headers: { Authorization: `Bearer ${auth}` },
    body: JSON.stringify(body),
  });
}

describe("matchmaking", () => {
  it("50 simultaneous quick joins fill rooms exactly to maxPlayers, none overfilled", async () => {
    const token = await devToken({ sub: "crowd", room: "game/arena/*", role: "player" });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => match({ mode: "quick", region: "weur" }, token).then((r) => r.json<{ roomId: string; region: string }>())),
    );
    const perRoom = new Map<string, number>();
    for (const { roomId, region } of answers) {
      expect(region).toBe("weur");
      perRoom.set(roomId, (perRoom.get(roomId) ?? 0) + 1);
    }
    const counts = [...perRoom.values()].sort((a, b) => b - a);
    const full = Math.floor(50 / arena.maxPlayers);
    expect(counts).toEqual([...Array<number>(full).fill(arena.maxPlayers), 50 % arena.maxPlayers]);
  });

  it("creates a private room that quick joins do not fill", async () => {
    const created = await (await match({ mode: "private", region: "apac" })).json<{ roomId: string; joinCode: string }>();
    expect(created.roomId).toMatch(/^p-/);
    expect(created.joinCode).toBe(created.roomId);
    const quick = await (await match({ mode: "quick", region: "apac" })).json<{ roomId: string }>();
    expect(quick.roomId).not.toBe(created.roomId);
  });

  it("lists open rooms for a lobby", async () => {
    const quick = await (await match({ mode: "quick", region: "oc" })).json<{ roomId: string }>();
    const response = await exports.default.fetch(`${BASE}/v1/match/arena/open?region=oc`);
    const body = await response.json<{ rooms: { roomId: string; taken: number; maxPlayers: number }[] }>();
    expect(body.rooms).toContainEqual({ roomId: quick.roomId, taken: 1, maxPlayers: arena.maxPlayers });
  });

  it("refuses a bad body with a 400 and an unknown game with a 404", async () => {
    expect((await match({ mode: "ranked" })).status).toBe(400);
    const unknown = await exports.default.fetch(`${BASE}/v1/match/chess`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
  });

  it("refuses a missing token with 401 and a spectator with 403", async () => {
    const anonymous = await exports.default.fetch(`${BASE}/v1/match/arena`, { method: "POST", body: JSON.stringify({ mode: "quick" }) });
    expect(anonymous.status).toBe(401);
    const spectator = await devToken({ sub: "s", room: "game/*", role: "spectator" });
    expect((await match({ mode: "quick" }, spectator)).status).toBe(403);
  });
});
