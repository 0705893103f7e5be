// Issue 13, section 2: one anonymous request must not stall D1. A leaderboard page costs O(limit)
// rows plus at most one rank lookup, cursors are signed (a forged, altered or foreign one is a 400),
// and cursor paging stops at MAX_PAGE_DEPTH ranks (deeper ranks are read with `around=`).
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { D1LeaderboardStore } from "../../persistence/d1LeaderboardStore.ts";
import { bumpBoardGeneration } from "../../persistence/leaderboardCache.ts";
import { BASE } from "./helpers.ts";

/** Entries seeded on each board: deep enough that a count per row would read millions of rows. */
const ROWS = 3_000;
/** Four players share each score, so ties cross page boundaries. */
const TIES = 4;
const DESC_BOARD = "arena.gems-daily";
const page = (board: string, query: string) => exports.default.fetch(`${BASE}/v1/leaderboards/${board}${query}`);
type Page = { entries: { rank: number; playerId: string; score: number }[]; nextCursor: string | null; period: string };

/** Counts the rows D1 says it read (result meta `rows_read`) for every statement run through it. */
function countingD1(db: D1Database): { db: D1Database; rowsRead: () => number; reset: () => void } {
  let rowsRead = 0;
  const targets = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "all" || prop === "run") {
          return async () => {
            const result = await target.all();
            rowsRead += result.meta.rows_read;
            return result;
          };
        }
        if (prop === "first") {
          // first() drops the meta: run all() and pick the first row, as first() does.
          return async (column?: string) => {
            const result = await target.all<Record<string, unknown>>();
            rowsRead += result.meta.rows_read;
            const row = result.results[0] ?? null;
            return column === undefined ? row : (row?.[column] ?? null);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    targets.set(proxy, statement);
    return proxy;
  };
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements.map((s) => targets.get(s) ?? s));
          for (const result of results) rowsRead += result.meta.rows_read;
          return results;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: counted, rowsRead: () => rowsRead, reset: () => void (rowsRead = 0) };
}

/** ROWS players `d{n}` with score floor(n / TIES) on `board` for `period`. */
async function seed(board: string, period: string): Promise<void> {
  await env.DB.prepare(
    `INSERT OR REPLACE INTO leaderboard_entry (board, period_key, player_id, score, updated_at)
     WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < ?3 - 1)
     SELECT ?1, ?2, printf('d%05d', x), x / ${TIES}, 0 FROM n`,
  )
    .bind(board, period, ROWS)
    .run();
  await bumpBoardGeneration(board);
}

let period = "";
beforeAll(async () => {
  period = (await (await page(DESC_BOARD, "?limit=1")).json<Page>()).period;
  await seed(DESC_BOARD, period);
  await seed("arena.gems", "all");
});

describe("leaderboard page cost", () => {
  it("a page deep in the board reads O(limit) rows, not a count per row", async () => {
    const counter = countingD1(env.DB);
    const store = new D1LeaderboardStore(counter.db);
    const limit = 100;
    const top = await store.page({ board: DESC_BOARD, periodKey: period, order: "desc", limit });
    expect(top.map((r) => r.rank).slice(0, 5)).toEqual([1, 1, 1, 1, 5]);
    const topRows = counter.rowsRead();

    // Score 299 is held by d01196..d01199 at positions 1,801-1,804 (450 scores of four above it).
    // The page after d01197 starts mid-tie, and its ranks continue from the cursor's.
    const last = { score: 299, playerId: "d01197", rank: 1_801, position: 1_802 };
    counter.reset();
    const deep = await store.page({ board: DESC_BOARD, periodKey: period, order: "desc", limit, after: last });
    const deepRows = counter.rowsRead();
    expect(deep.slice(0, 3)).toEqual([
      { rank: 1_801, playerId: "d01198", score: 299 },
      { rank: 1_801, playerId: "d01199", score: 299 },
      { rank: 1_805, playerId: "d01192", score: 298 },
    ]);
    expect(deep).toHaveLength(limit);

    // Two index ranges of at most `limit` entries each and their merge, whatever the depth (a
    // count per row read about limit x depth: 180,000 here).
    expect(topRows, "rows read for the top page").toBeLessThanOrEqual(3 * limit);
    expect(deepRows, "rows read for a page 1,800 entries deep").toBeLessThanOrEqual(3 * limit);
  });

  it("around= costs O(limit) rows plus one rank lookup over the entries ranked above", async () => {
    const counter = countingD1(env.DB);
    const store = new D1LeaderboardStore(counter.db);
    const around = await store.around({ board: DESC_BOARD, periodKey: period, order: "desc", limit: 5, playerId: "d00401" });
    // Score 100 (d00400..d00403): 649 scores of four above it. Two entries precede d00401: d00400
    // and the last of score 101.
    expect(around.map((r) => [r.playerId, r.rank])).toEqual([["d00407", 2593], ["d00400", 2597], ["d00401", 2597], ["d00402", 2597], ["d00403", 2597]]);
    // The rank lookup counts the 2,595 entries above the page; the rest is a few times `limit`.
    expect(counter.rowsRead(), "rows read for around= at rank 2,597").toBeLessThanOrEqual(2_595 + 10 * 5);
  });
});

describe("leaderboard cursors", () => {
  it("a forged cursor deep in the board is a 400, not a page", async () => {
    // The unsigned base64url [score, playerId] main issued, pointing at the board's last entries.
    const forged = btoa(JSON.stringify([3, ""])).replaceAll("=", "");
    const response = await page(DESC_BOARD, `?limit=100&cursor=${forged}`);
    expect(response.status).toBe(400);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe("bad_cursor");
  });

  it("an altered cursor, or one carried to another board or period, is a 400", async () => {
    const first = await (await page(DESC_BOARD, "?limit=3")).json<Page>();
    expect(first.nextCursor).toEqual(expect.any(String));
    const cursor = first.nextCursor!;
    const [payload, mac] = cursor.split(".") as [string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
    const altered = [`${flip(payload, 2)}.${mac}`, `${payload}.${flip(mac, 5)}`, payload, `${cursor}.x`];
    for (const text of altered) {
      const response = await page(DESC_BOARD, `?limit=3&cursor=${text}`);
      expect(response.status, text).toBe(400);
      expect((await response.json<{ error: { code: string } }>()).error.code).toBe("bad_cursor");
    }
    const elsewhere = await page("arena.gems", `?limit=3&cursor=${cursor}`);
    expect(elsewhere.status, "a cursor of another board").toBe(400);
    await elsewhere.arrayBuffer();
    // The same board's previous day: the cursor names its period.
    const yesterday = new Date(Date.parse(`${period}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const otherPeriod = await page(DESC_BOARD, `?limit=3&period=${yesterday}&cursor=${cursor}`);
    expect(otherPeriod.status, "a cursor of another period").toBe(400);
    await otherPeriod.arrayBuffer();

    const next = await page(DESC_BOARD, `?limit=3&cursor=${cursor}`);
    expect(next.status, "the cursor as issued").toBe(200);
    expect((await next.json<Page>()).entries.map((e) => e.rank)).toEqual([1, 5, 5]);
  });

  it(`cursors stop at MAX_PAGE_DEPTH ranks; one past it is a 400 that points to around=`, async () => {
    const { MAX_PAGE_DEPTH, signLeaderboardCursor } = await import("../../server/routes/leaderboards.ts");
    expect(MAX_PAGE_DEPTH).toBe(10_000);
    // Signed as the route signs: the secret-less test run uses the isolate's key, as the route does.
    // Thousands of entries follow score 700, so every page below is full unless the bound cuts it.
    const at = (position: number) => signLeaderboardCursor(env, { board: "arena.gems", period: "all" }, { score: 700, playerId: "x", rank: position, position });
    const before = await (await page("arena.gems", `?limit=100&cursor=${await at(MAX_PAGE_DEPTH - 150)}`)).json<Page>();
    expect(before.entries).toHaveLength(100);
    expect(before.nextCursor, "a page that ends before MAX_PAGE_DEPTH hands out a cursor").toEqual(expect.any(String));
    const nearEnd = await (await page("arena.gems", `?limit=100&cursor=${await at(MAX_PAGE_DEPTH - 50)}`)).json<Page>();
    expect(nearEnd.entries, "the last cursor page stops at MAX_PAGE_DEPTH").toHaveLength(50);
    expect(nearEnd.nextCursor, "a page that reaches MAX_PAGE_DEPTH hands out no cursor").toBeNull();
    const beyond = await page("arena.gems", `?limit=100&cursor=${await at(MAX_PAGE_DEPTH)}`);
    expect(beyond.status).toBe(400);
    const body = await beyond.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("page_too_deep");
    expect(body.error.message).toContain("around=");
  });

  it("pages through a board with ties and no gaps, each rank continuing from the cursor", async () => {
    const seen: Page["entries"] = [];
    let cursor = "";
    for (let n = 0; n < 10; n++) {
      const body = await (await page("arena.gems", `?limit=7${cursor}`)).json<Page>();
      seen.push(...body.entries);
      if (!body.nextCursor) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    const all = await new D1LeaderboardStore(env.DB).page({ board: "arena.gems", periodKey: "all", order: "desc", limit: 70 });
    expect(seen).toEqual(all);
  });
});
