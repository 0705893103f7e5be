// README, "Leaderboards (D1)": pages are cached at the edge for 10 s (`X-Cache: HIT|MISS`), a flush
// to a board makes its pages fresh at once, and concurrent misses share one D1 query.
// The board is crowd.gems: no other test finishes a crowd match, so nothing else refreshes it.
import { exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { D1LeaderboardStore, SqliteOutbox, bumpBoardGeneration, type LeaderboardWrite } from "../../persistence/index.ts";
import { room } from "./gameHelpers.ts";
import { BASE } from "./helpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const BOARD = "crowd.gems";
const get = (query: string) => exports.default.fetch(`${BASE}/v1/leaderboards/${BOARD}${query}`);
const scoreOf = async (response: Response) => (await response.json<{ entries: { score: number }[] }>()).entries[0]?.score;

/** A crowd room's outbox flushes a score for `playerId` to D1, as at a match's end. */
async function flushScore(playerId: string, score: number): Promise<void> {
  const write: LeaderboardWrite = { board: BOARD, periodKey: "all", playerId, score, operator: "best", order: "desc" };
  const stub = () => room("crowd", "cache-flusher");
  await runInDurableObject(stub(), async (_r, state) => {
    new SqliteOutbox(state.storage.sql).enqueue("leaderboard", `leaderboard:${playerId}:${score}`, JSON.stringify([write]), 0);
    await state.storage.setAlarm(Date.now());
  });
  await runDurableObjectAlarm(stub());
}

describe("leaderboard page cache", () => {
  it("serves a page from the cache for 10 s, then from D1 again", async () => {
    const player = `ttl-${Date.now()}`;
    await flushScore(player, 10);
    const query = `?around=${player}&limit=1`;
    const cachedAt = Date.now();
    const first = await get(query);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    await first.arrayBuffer();
    const second = await get(query);
    expect(second.headers.get("X-Cache")).toBe("HIT");
    await second.arrayBuffer();

    let missedAt = 0;
    await expect
      .poll(async () => {
        const response = await get(query);
        await response.arrayBuffer();
        missedAt = Date.now();
        return response.headers.get("X-Cache");
      }, { timeout: 15_000, interval: 250, message: "a miss once the page is 10 s old" })
      .toBe("MISS");
    expect(missedAt - cachedAt, "ms the page stayed cached").toBeGreaterThanOrEqual(10_000);
  }, 30_000);

  it("makes a board's pages fresh as soon as a flush to it lands", async () => {
    const player = `fresh-${Date.now()}`;
    await flushScore(player, 1);
    const query = `?around=${player}&limit=1`;
    const cachedAt = Date.now();
    expect(await scoreOf(await get(query))).toBe(1);
    const hit = await get(query);
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    await hit.arrayBuffer();

    await flushScore(player, 2);
    const fresh = await get(query);
    expect(fresh.headers.get("X-Cache"), "the page right after a flush").toBe("MISS");
    expect(await scoreOf(fresh)).toBe(2);
    // Well inside the page's 10 s, so the miss is the flush's doing, not the page's age.
    expect(Date.now() - cachedAt).toBeLessThan(10_000);
  });

  it("answers concurrent misses for one page with one D1 query", async () => {
    const player = `burst-${Date.now()}`;
    await flushScore(player, 5);
    const query = `?around=${player}&limit=1`;
    await (await get(query)).arrayBuffer(); // the board's generation exists, as on any read board
    await bumpBoardGeneration(BOARD); // a flush: every page of the board misses now

    // Hold D1 until every request has looked in the cache and missed.
    let release!: () => void;
    const d1Answers = new Promise<void>((resolve) => (release = resolve));
    const around = D1LeaderboardStore.prototype.around;
    const queries = vi.spyOn(D1LeaderboardStore.prototype, "around").mockImplementation(async function (this: D1LeaderboardStore, q) {
      await d1Answers;
      return around.call(this, q);
    });
    const match = caches.default.match.bind(caches.default);
    let pageLookups = 0;
    vi.spyOn(caches.default, "match").mockImplementation(async (request, options) => {
      const found = await match(request, options);
      if (String(request instanceof Request ? request.url : request).includes("/page/")) pageLookups += 1;
      return found;
    });

    const READERS = 10;
    const responses = Array.from({ length: READERS }, () => get(query));
    await vi.waitFor(() => expect(pageLookups).toBe(READERS));
    release();
    const answered = await Promise.all(responses);
    expect(answered.map((r) => r.headers.get("X-Cache"))).toEqual(Array(READERS).fill("MISS"));
    expect(await Promise.all(answered.map(scoreOf))).toEqual(Array(READERS).fill(5));
    expect(queries, "D1 queries for 10 concurrent misses").toHaveBeenCalledTimes(1);
  });
});
