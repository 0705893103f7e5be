// Issue 15 (React bindings): useLeaderboard reads through client.leaderboard. Here the SDK's call goes
// through the real Worker and D1 (the client's `fetch` is the Worker's own), so its URL, decoding
// without zod, cursors and refusals are checked against the route, not a mock of it.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { D1LeaderboardStore } from "../../persistence/index.ts";
import { BASE } from "./helpers.ts";

/**
 * The SDK, imported by a path tsc does not follow: it compiles against DOM types (client-sdk/tsconfig.json),
 * which this Workers-typed project lacks. Vitest still loads and runs the real module.
 */
const SDK_PATH = "../../client-sdk/index.ts";
interface LeaderboardPage { board: string; period: string; entries: { rank: number; playerId: string; score: number }[]; nextCursor: string | null }
interface Sdk {
  createClient(options: { baseUrl: string; getToken: () => string; fetch: typeof fetch }): {
    leaderboard(board: string, options?: { limit?: number; period?: string; cursor?: string; around?: string }): Promise<LeaderboardPage>;
  };
  EdgeroomRequestError: new (...args: never[]) => Error & { code: string; status: number };
}
const { createClient, EdgeroomRequestError } = (await import(/* @vite-ignore */ SDK_PATH)) as Sdk;
type EdgeroomRequestError = InstanceType<Sdk["EdgeroomRequestError"]>;

const client = createClient({
  baseUrl: BASE,
  getToken: () => "unused: leaderboards are public",
  fetch: ((input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init))) as typeof fetch,
});

describe("client.leaderboard", () => {
  it("reads pages, follows cursors and finds a player with around", async () => {
    await new D1LeaderboardStore(env.DB).apply("client-lb-seed", Array.from({ length: 7 }, (_, i) => ({
      board: "arena.gems", periodKey: "all", playerId: `client-lb-${i}`, score: 5000 + i, operator: "best" as const, order: "desc" as const,
    })));
    const first = await client.leaderboard("arena.gems", { limit: 4 });
    expect(first.board).toBe("arena.gems");
    expect(first.period).toBe("all");
    expect(first.entries.map((e) => e.playerId)).toEqual(["client-lb-6", "client-lb-5", "client-lb-4", "client-lb-3"]);
    expect(first.entries[0]).toEqual({ rank: 1, playerId: "client-lb-6", score: 5006 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.leaderboard("arena.gems", { limit: 4, cursor: first.nextCursor! });
    expect(second.entries.slice(0, 3).map((e) => e.playerId)).toEqual(["client-lb-2", "client-lb-1", "client-lb-0"]);
    const around = await client.leaderboard("arena.gems", { around: "client-lb-3", limit: 3 });
    expect(around.entries.map((e) => e.playerId)).toContain("client-lb-3");
    expect(around.nextCursor).toBeNull();
  });

  it("turns a refusal into an error carrying the service's code", async () => {
    const refused = async (board: string, options?: Parameters<typeof client.leaderboard>[1]) => {
      try {
        await client.leaderboard(board, options);
      } catch (error) {
        return error as EdgeroomRequestError;
      }
      throw new Error("no error");
    };
    const unknown = await refused("tictactoe.nope");
    expect(unknown).toBeInstanceOf(EdgeroomRequestError);
    expect(unknown).toMatchObject({ status: 404, code: "unknown_board" });
    expect(unknown.message).toMatch(/^leaderboard tictactoe.nope failed \(HTTP 404 unknown_board\): no leaderboard named/);
    expect(await refused("Bad!")).toMatchObject({ status: 400, code: "bad_board" });
    expect(await refused("tictactoe.wins", { limit: 1000 })).toMatchObject({ status: 400, code: "bad_query" });
    expect(await refused("tictactoe.wins", { cursor: "forged" })).toMatchObject({ status: 400, code: "bad_cursor" });
  });
});
