import type { Context } from "hono";
import { z } from "zod";
import { D1LeaderboardStore, PAGE_TTL_SECONDS, boardGeneration, pageKey } from "../../persistence/index.ts";
import { BoardId, isPeriodKey, periodKey, type LeaderboardPage } from "../../protocol/index.ts";
import { findBoard } from "../../rooms/game/registry.ts";
import type { AppEnv } from "../app.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { jsonError } from "../errors.ts";
import { timed } from "../timing.ts";

/** Entries one page returns at most. */
const MAX_PAGE = 100;
/**
 * Longest cursor this route issues, in characters: base64 of `[score, playerId]` where a player id
 * is up to 128 UTF-16 units, each at most 6 bytes of JSON (`\u001f`), plus the score (24).
 */
const MAX_CURSOR_CHARS = 1100;

const Query = z
  .object({
    period: z.string().max(16).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
    cursor: z.string().max(MAX_CURSOR_CHARS).optional(),
    around: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine((q) => !(q.cursor && q.around), "cursor and around cannot be combined");

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
  let after: { score: number; playerId: string } | undefined;
  if (query.data.cursor) {
    const decoded = decodeCursor(query.data.cursor);
    if (!decoded) return jsonError(c, 400, "bad_cursor", "cursor is not one this service issued");
    after = { score: decoded[0], playerId: decoded[1] };
  }

  const canonical = new URLSearchParams({ period, limit: String(query.data.limit), cursor: query.data.cursor ?? "", around: query.data.around ?? "" });
  const key = pageKey(boardId.data, await boardGeneration(boardId.data), canonical.toString());
  const cached = await caches.default.match(key);
  if (cached) return withCacheHeaders(cached.body, "HIT");

  let pending = inflight.get(key);
  if (!pending) {
    const store = new D1LeaderboardStore(c.env.DB);
    const base = { board: boardId.data, periodKey: period, order: board.order, limit: query.data.limit };
    pending = (async (): Promise<LeaderboardPage> => {
      const entries = query.data.around ? await store.around({ ...base, playerId: query.data.around }) : await store.page({ ...base, after });
      const last = entries.at(-1);
      const isFull = entries.length === query.data.limit && !query.data.around;
      return { board: boardId.data, period, entries, nextCursor: isFull && last ? encodeCursor([last.score, last.playerId]) : null };
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
