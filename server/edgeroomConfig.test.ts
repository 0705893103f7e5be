import { describe, expect, it } from "vitest";
import { arena } from "../games/arena.ts";
import { tictactoe } from "../games/tictactoe.ts";
import { MAX_SEATS_PER_ROOM, MAX_TICK_RATE_HZ, checkConfig, formatPath } from "./edgeroomConfig.ts";

const SECRET = "a-webhook-secret-of-at-least-32-bytes!!";

/** The Error checkConfig throws for `config`, as text. */
function refusal(config: unknown): string {
  try {
    checkConfig(config);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("createEdgeroom's config check", () => {
  it("accepts the shipped games, every optional field, and keeps the caller's game objects", () => {
    const authorize = async () => null;
    const onMatchEnd = () => {};
    const checked = checkConfig({
      games: [arena, tictactoe],
      auth: { authorize },
      origins: ["https://play.example.com", "http://127.0.0.1:8787"],
      limits: { maxConnectionsPerSub: 3, publicRequestsPerMinute: 600, roomCreationsPerMinute: 10 },
      hooks: { onMatchEnd },
      webhook: { url: "https://hooks.example.com/edgeroom", secret: SECRET },
    });
    expect(checked.games[0]).toBe(arena);
    expect(checked.authorize).toBe(authorize);
    expect(checked.hooks?.onMatchEnd).toBe(onMatchEnd);
    expect(checked.limits).toEqual({ maxConnectionsPerSub: 3, publicRequestsPerMinute: 600, roomCreationsPerMinute: 10 });
    expect(checkConfig({ games: [] }).games).toEqual([]);
  });

  it("names a wrong game field by its path and says what is allowed", () => {
    expect(refusal({ games: [arena, { ...tictactoe, tickRateHz: 0 }] })).toContain(`games[1].tickRateHz must be a number of ticks per second above 0, at most ${MAX_TICK_RATE_HZ}`);
    expect(refusal({ games: [{ ...arena, maxPlayers: MAX_SEATS_PER_ROOM + 1 }] })).toContain(`games[0].maxPlayers must be a whole number from 1 to ${MAX_SEATS_PER_ROOM}`);
    expect(refusal({ games: [{ ...arena, name: "Arena Game" }] })).toContain("games[0].name must be 1-32 characters of a-z, 0-9, _ and -");
    expect(refusal({ games: [{ ...arena, onTick: "soon" }] })).toContain("games[0].onTick must be a function");
    expect(refusal({ games: [{ ...arena, input: {} }] })).toContain("games[0].input must be a zod schema");
    expect(refusal({ games: [{ ...arena, realtime: "yes" }] })).toContain("games[0].realtime must be true or false");
  });

  it("refuses two games of one name, and two boards of one name in a game", () => {
    expect(refusal({ games: [arena, { ...tictactoe, name: "arena" }] })).toContain('games[1].name "arena" is used by two games');
    const boards = [...(arena.boards ?? []), arena.boards![0]!];
    expect(refusal({ games: [{ ...arena, boards }] })).toContain('games[0].boards[2].name "gems" is used by two boards');
    expect(refusal({ games: [{ ...arena, boards: [{ ...arena.boards![0]!, period: "hourly" }] }] })).toContain('games[0].boards[0].period must be "all", "daily" or "weekly"');
  });

  it("names an unknown field and lists the allowed ones, at the top and inside", () => {
    expect(refusal({ games: [], orgins: ["*"] })).toContain('config: unknown field "orgins"; allowed: games, auth, origins, limits, hooks, webhook');
    expect(refusal({ games: [], limits: { maxConnections: 3 } })).toContain('limits: unknown field "maxConnections"; allowed: maxConnectionsPerSub, publicRequestsPerMinute, roomCreationsPerMinute');
    expect(refusal({ games: [], hooks: { onMatchEnded: () => {} } })).toContain('hooks: unknown field "onMatchEnded"; allowed: onMatchEnd, onDocumentVersion, onRoomDeleted');
  });

  it("checks origins, limits, hooks, auth and the webhook", () => {
    expect(refusal({ games: [], origins: ["https://example.com/app"] })).toContain('origins[0] must be "*" or an origin such as https://example.com');
    expect(refusal({ games: [], origins: [] })).toContain("origins must list at least one origin");
    expect(refusal({ games: [], limits: { maxConnectionsPerSub: 0 } })).toContain("limits.maxConnectionsPerSub must be a whole number >= 1");
    expect(refusal({ games: [], limits: { publicRequestsPerMinute: 1.5 } })).toContain("limits.publicRequestsPerMinute must be a whole number >= 1");
    expect(refusal({ games: [], hooks: { onRoomDeleted: "https://x" } })).toContain("hooks.onRoomDeleted must be a function");
    expect(refusal({ games: [], auth: { authorize: true } })).toContain("auth.authorize must be a function");
    expect(refusal({ games: [], webhook: { url: "ftp://x", secret: SECRET } })).toContain("webhook.url must be an http: or https: URL");
    expect(refusal({ games: [], webhook: { url: "https://x.example", secret: "short" } })).toContain("webhook.secret must be at least 32 bytes");
  });

  it("says what a config is when it is not an object or has no games", () => {
    expect(refusal(undefined)).toContain("config must be an object { games, auth?, origins?, limits?, hooks?, webhook? }");
    expect(refusal({})).toContain("games must be an array of game definitions");
  });

  it("lists every wrong field at once, up to ten", () => {
    const message = refusal({ games: Array.from({ length: 12 }, (_, n) => ({ ...arena, name: `g${n}`, tickRateHz: -1 })) });
    expect(message.match(/tickRateHz/g)).toHaveLength(10);
    expect(message).toContain("and 2 more");
  });

  it("formats paths as code would name them", () => {
    expect(formatPath(["games", 1, "boards", 0, "name"])).toBe("games[1].boards[0].name");
  });
});
