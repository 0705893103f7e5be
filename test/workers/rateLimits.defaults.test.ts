// Issue 13, sections 2 and 3, at the default bounds (the "workers-defaults" project of
// vitest.config.ts runs this file without the raised limits the other in-workerd tests use):
// public HTTP routes are limited per client address, room creation per `sub`.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/index.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import { type Closed, BASE, TestSocket, devToken } from "./helpers.ts";

/** The defaults README states: 120 public requests per address a minute, 60 new rooms per user a minute. */
const PUBLIC_PER_MINUTE = 120;
const ROOMS_PER_MINUTE = 60;
const run = `${Date.now()}`;

const from = (address: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}${path}`, { ...init, headers: { ...init.headers, "CF-Connecting-IP": address } });

/**
 * How many more a bucket refilling `perMinute` a minute may allow after `elapsedMs`, plus one for
 * the token that refills while the next request is on its way. Keeps the test free of timing.
 */
const refilled = (perMinute: number, elapsedMs: number) => Math.ceil((elapsedMs * perMinute) / 60_000) + 1;

describe("public routes are limited per client address", () => {
  it(`answer 429 with Retry-After past ${PUBLIC_PER_MINUTE} requests a minute, and not before`, async () => {
    const address = "203.0.113.7";
    const started = Date.now();
    for (let n = 1; n <= PUBLIC_PER_MINUTE; n++) {
      const response = await from(address, "/v1/leaderboards/arena.gems?limit=1");
      expect(response.status, `request ${n} of ${PUBLIC_PER_MINUTE}`).toBe(200);
      await response.arrayBuffer();
    }
    let refused: Response | null = null;
    const extra = refilled(PUBLIC_PER_MINUTE, Date.now() - started);
    for (let n = 0; n <= extra && !refused; n++) {
      const response = await from(address, "/v1/leaderboards/arena.gems?limit=1");
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(refused, `a 429 within ${extra} requests past the bound`).not.toBeNull();
    const retryAfter = Number(refused!.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`).toBe(true);
    const body = await refused!.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toContain(`${PUBLIC_PER_MINUTE} a minute`);

    // Every public route shares the address's bucket.
    const token = await devToken({ sub: `limited-${run}`, room: "*", role: "editor" });
    const routes: [string, RequestInit?][] = [
      ["/v1/replays/arena/r1"],
      ["/v1/replays/arena/r1/m1"],
      ["/v1/doc/limited/versions", { headers: { Authorization: `Bearer ${token}` } }],
      ["/v1/doc/limited/versions/v1", { headers: { Authorization: `Bearer ${token}` } }],
      ["/v1/match/arena", { method: "POST", body: JSON.stringify({ mode: "quick" }), headers: { Authorization: `Bearer ${token}` } }],
      ["/v1/match/arena/open"],
      ["/v1/dev/token", { method: "POST", body: JSON.stringify({ sub: "x", room: "doc/x", role: "editor" }) }],
    ];
    for (const [path, init] of routes) {
      const response = await from(address, path, init);
      expect(response.status, path).toBe(429);
      await response.arrayBuffer();
    }

    // Another address, health, and the admin API are not held back by this one.
    const other = await from("203.0.113.8", "/v1/leaderboards/arena.gems?limit=1");
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    for (const [path, init] of [["/v1/health"], ["/v1/admin/rooms", { headers: { Authorization: "Bearer test-admin-token" } }]] as const) {
      const response = await from(address, path, init);
      expect(response.status, path).not.toBe(429);
      await response.arrayBuffer();
    }
  });

  it("keys IPv6 clients by their /64", async () => {
    const drain = async (address: string) => {
      for (let n = 0; n < PUBLIC_PER_MINUTE + refilled(PUBLIC_PER_MINUTE, 60_000); n++) {
        const response = await from(address, "/v1/match/arena/open");
        await response.arrayBuffer();
        if (response.status === 429) return;
      }
      throw new Error(`no 429 for ${address}`);
    };
    await drain("2001:db8:1:2::1");
    const sameNetwork = await from("2001:0db8:0001:0002:ffff::9", "/v1/match/arena/open");
    expect(sameNetwork.status, "another address in the same /64").toBe(429);
    const otherNetwork = await from("2001:db8:1:3::1", "/v1/match/arena/open");
    expect(otherNetwork.status, "an address in another /64").toBe(200);
  });
});

/** Opens a document room; resolves "admitted" on the room's first frame, or the close if refused. */
async function tryDoc(roomId: string, token: string): Promise<"admitted" | Closed> {
  const response = await exports.default.fetch(`${BASE}/v1/doc/${roomId}?token=${token}`, { headers: { Upgrade: "websocket" } });
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  const socket = new TestSocket(response.webSocket);
  const outcome = await Promise.race([socket.next((f): f is Uint8Array => typeof f !== "string").then(() => "admitted" as const), socket.closed]);
  if (outcome === "admitted") socket.close();
  return outcome;
}

/** Opens an arena room and says hello; resolves "admitted" on its welcome, or the close if refused. */
async function tryGame(roomId: string, token: string): Promise<"admitted" | Closed> {
  const response = await exports.default.fetch(`${BASE}/v1/game/arena/${roomId}?token=${token}`, { headers: { Upgrade: "websocket" } });
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  const socket = new TestSocket(response.webSocket);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  const welcomed = socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "welcome");
  const outcome = await Promise.race([welcomed.then(() => "admitted" as const), socket.closed]);
  if (outcome === "admitted") socket.close();
  return outcome;
}

describe("room creation is limited per user", () => {
  it(`closes the connection that would create room ${ROOMS_PER_MINUTE + 1} in a minute with 4429, storing nothing`, async () => {
    const sub = `creator-${run}`;
    const token = await devToken({ sub, room: "*", role: "editor" });
    const started = Date.now();
    for (let n = 0; n < ROOMS_PER_MINUTE; n++) {
      expect(await tryDoc(`made-${run}-${n}`, token), `room ${n + 1} of ${ROOMS_PER_MINUTE}`).toBe("admitted");
    }
    let refusedRoom: string | null = null;
    let closed: Closed | null = null;
    const extra = refilled(ROOMS_PER_MINUTE, Date.now() - started);
    for (let n = 0; n <= extra && !refusedRoom; n++) {
      const roomId = `over-${run}-${n}`;
      const outcome = await tryDoc(roomId, token);
      if (outcome !== "admitted") [refusedRoom, closed] = [roomId, outcome];
    }
    const refusedAt = Date.now();
    expect(refusedRoom, `a refusal within ${extra} rooms past the bound`).not.toBeNull();
    expect(closed!.code).toBe(CloseCode.RATE_LIMITED);
    expect(closed!.reason).toMatch(/room creation/i);

    // The refused room stored nothing: no meta row, no outbox entry, no alarm, no directory row.
    await runInDurableObject(env.DocRoom.getByName(refusedRoom!), async (_instance, state) => {
      const count = (table: string) => state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
      expect(count("room_meta"), "room_meta rows").toBe(0);
      expect(count("outbox"), "outbox entries").toBe(0);
      expect(await state.storage.getAlarm(), "alarm").toBeNull();
    });
    const listed = await env.DB.prepare("SELECT count(*) AS n FROM room_directory WHERE room = ?").bind(`doc/${refusedRoom}`).first<{ n: number }>();
    expect(listed?.n, "directory rows").toBe(0);

    // Game rooms count against the same bucket; joining a room that exists is not creating one.
    // The bucket refills one room a second while the checks above run, so the game gets the same
    // allowance the document rooms got: a refusal within what refilled since the doc refusal.
    const gameToken = await devToken({ sub, room: "game/*", role: "player" });
    let gameClosed: Closed | null = null;
    const gameExtra = refilled(ROOMS_PER_MINUTE, Date.now() - refusedAt);
    for (let n = 0; n <= gameExtra && !gameClosed; n++) {
      const outcome = await tryGame(`over-${run}-${n}`, gameToken);
      if (outcome !== "admitted") gameClosed = outcome;
    }
    expect(gameClosed, `a game room refused within ${gameExtra} past the bound`).not.toBeNull();
    expect(gameClosed!.code, "a new game room").toBe(CloseCode.RATE_LIMITED);
    expect(await tryDoc(`made-${run}-0`, token), "a room this user made earlier").toBe("admitted");
    const other = await devToken({ sub: `someone-else-${run}`, room: "doc/*", role: "editor" });
    expect(await tryDoc(`other-${run}`, other), "another user's new room").toBe("admitted");
  }, 60_000);

  it("refuses a private match past the bound with 429 room_creation_limited", async () => {
    const sub = `matcher-${run}`;
    const token = await devToken({ sub, room: "game/*", role: "player" });
    const started = Date.now();
    const ask = () => exports.default.fetch(`${BASE}/v1/match/tictactoe`, { method: "POST", body: JSON.stringify({ mode: "private" }), headers: { Authorization: `Bearer ${token}` } });
    for (let n = 0; n < ROOMS_PER_MINUTE; n++) {
      const response = await ask();
      expect(response.status, `private match ${n + 1}`).toBe(200);
      await response.arrayBuffer();
    }
    let refused: Response | null = null;
    const extra = refilled(ROOMS_PER_MINUTE, Date.now() - started);
    for (let n = 0; n <= extra && !refused; n++) {
      const response = await ask();
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(refused, `a 429 within ${extra} private matches past the bound`).not.toBeNull();
    expect(Number(refused!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect((await refused!.json<{ error: { code: string } }>()).error.code).toBe("room_creation_limited");
  });
});
