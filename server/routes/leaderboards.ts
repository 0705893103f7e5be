import type { Context } from "hono";
import { z } from "zod";
import { D1LeaderboardStore, PAGE_TTL_SECONDS, boardGeneration, pageKey, type PageStart } from "../../persistence/index.ts";
import { BoardId, isPeriodKey, periodKey, type LeaderboardPage } from "../../protocol/index.ts";
import { findBoard } from "../../rooms/game/registry.ts";
import type { AppEnv } from "../app.ts";
import { jsonError } from "../errors.ts";
import { type CursorSecrets, signCursor, verifyCursor } from "../signedCursor.ts";
import { timed } from "../timing.ts";

/** Entries one page returns at most. */
const MAX_PAGE = 100;
/**
 * Ranks cursor paging reaches: the last cursor page ends at this position. Deeper entries are
 * read with `around=`; a page costs the same at any depth, but walking 2,000 pages to the bottom
 * of a big board is no way to find anyone.
 */
export const MAX_PAGE_DEPTH = 10_000;
/**
 * Longest cursor this route issues, in characters: base64url of `[score, playerId, rank, position]`
 * (a player id is up to 128 UTF-16 units, each at most 6 bytes of JSON (`\u001f`), plus three
 * numbers of up to 24), a dot, and a 43-character HMAC-SHA256.
 */
const MAX_CURSOR_CHARS = 1200;

/** What a leaderboard cursor carries: the last entry of a page, as `PageStart`. */
const CursorPayload = z.tuple([z.number(), z.string().max(128), z.number().int().min(1), z.number().int().min(1)]);

const Query = z
  .object({
    period: z.string().max(16).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
    cursor: z.string().max(MAX_CURSOR_CHARS).optional(),
    around: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine((q) => !(q.cursor && q.around), "cursor and around cannot be combined");

/** A cursor is good for one board and period only. */
const cursorScope = (scope: { board: string; period: string }) => `leaderboard\n${scope.board}\n${scope.period}`;

export function signLeaderboardCursor(secrets: CursorSecrets, scope: { board: string; period: string }, last: PageStart): Promise<string> {
  return signCursor(secrets, cursorScope(scope), [last.score, last.playerId, last.rank, last.position]);
}

async function readLeaderboardCursor(secrets: CursorSecrets, scope: { board: string; period: string }, text: string): Promise<PageStart | null> {
  const value = await verifyCursor(secrets, cursorScope(scope), text, CursorPayload);
  return value && { score: value[0], playerId: value[1], rank: value[2], position: value[3] };
}

/**
 * A miss already being answered in this isolate: concurrent misses for one key wait for it,
 * so a burst of readers costs one D1 query.
 */
const inflight = new Map<string, Promise<LeaderboardPage>>();

/**
 * GET /v1/leaderboards/{board}?period=&limit=&cursor= and ?around={playerId}. Public, and
 * cached at the edge for PAGE_TTL_SECONDS; a flush to the board makes its pages fresh at once.
 */
export async function handleLeaderboard(c: Context<AppEnv>): Promise<Response> {
  const boardId = BoardId.safeParse(c.req.param("board"));
  if (!boardId.success) return jsonError(c, 400, "bad_board", boardId.error.issues[0]?.message ?? "bad board id");
  const board = findBoard(boardId.data);
  if (!board) return jsonError(c, 404, "unknown_board", `no leaderboard named "${boardId.data}"`);
  const query = Query.safeParse(c.req.query());
  if (!query.success) return jsonError(c, 400, "bad_query", z.prettifyError(query.error));
  const period = query.data.period ?? periodKey(board.period, Date.now());
  if (!isPeriodKey(board.period, period)) {
    return jsonError(c, 400, "bad_period", `period for ${boardId.data} is a ${board.period} key, such as ${periodKey(board.period, Date.now())}`);
  }
  const scope = { board: boardId.data, period };
  let after: PageStart | undefined;
  if (query.data.cursor) {
    const decoded = await readLeaderboardCursor(c.env, scope, query.data.cursor);
    if (!decoded) return jsonError(c, 400, "bad_cursor", `cursor is not one this service issued for ${boardId.data}, period ${period}`);
    if (decoded.position >= MAX_PAGE_DEPTH) {
      return jsonError(c, 400, "page_too_deep", `cursor paging stops at rank ${MAX_PAGE_DEPTH}; read deeper entries with around={playerId}`);
    }
    after = decoded;
  }
  // The last cursor page ends at MAX_PAGE_DEPTH exactly.
  const limit = Math.min(query.data.limit, MAX_PAGE_DEPTH - (after?.position ?? 0));

  const canonical = new URLSearchParams({ period, limit: String(query.data.limit), cursor: query.data.cursor ?? "", around: query.data.around ?? "" });
  const key = pageKey(boardId.data, await boardGeneration(boardId.data), canonical.toString());
  const cached = await caches.default.match(key);
  if (cached) return withCacheHeaders(cached.body, "HIT");

  let pending = inflight.get(key);
  if (!pending) {
    const store = new D1LeaderboardStore(c.env.DB);
    const base = { board: boardId.data, periodKey: period, order: board.order, limit };
    pending = (async (): Promise<LeaderboardPage> => {
      const entries = query.data.around ? await store.around({ ...base, playerId: query.data.around }) : await store.page({ ...base, after });
      const last = entries.at(-1);
      const position = (after?.position ?? 0) + entries.length;
      const hasMore = entries.length === limit && !query.data.around && position < MAX_PAGE_DEPTH;
      const nextCursor = hasMore && last ? await signLeaderboardCursor(c.env, scope, { score: last.score, playerId: last.playerId, rank: last.rank, position }) : null;
      return { board: boardId.data, period, entries, nextCursor };
    })();
    inflight.set(key, pending);
    pending.finally(() => inflight.delete(key)).catch(() => {});
  }
  const body = JSON.stringify(await timed(c, "storage", () => pending));
  c.executionCtx.waitUntil(
    caches.default.put(key, new Response(body, { headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${PAGE_TTL_SECONDS}` } })),
  );
  return withCacheHeaders(body, "MISS");
}

function withCacheHeaders(body: BodyInit | null, state: "HIT" | "MISS"): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": `public, max-age=${PAGE_TTL_SECONDS}`,
      "X-Cache": state,
    },
  });
}
