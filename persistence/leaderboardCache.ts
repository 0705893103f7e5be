/**
 * Leaderboard pages in the Workers Cache API. Every cached page's key carries its board's
 * generation, itself a small cache entry; a flush to a board writes a new generation, so every
 * page of that board is missed at once without knowing their URLs. On Cloudflare the cache is
 * per data centre: the flushing room's data centre sees the change at once, others within
 * PAGE_TTL_SECONDS.
 */
export const PAGE_TTL_SECONDS = 10;
/** Generations outlive pages by far; a lost generation only means a fresh one (a miss), never a stale page. */
const GENERATION_TTL_SECONDS = 24 * 60 * 60;
const CACHE_ORIGIN = "https://leaderboard-cache.edgeroom.internal";

const generationKey = (board: string) => `${CACHE_ORIGIN}/generation/${encodeURIComponent(board)}`;

export async function boardGeneration(board: string): Promise<string> {
  const cached = await caches.default.match(generationKey(board));
  if (cached) return cached.text();
  return bumpBoardGeneration(board);
}

export async function bumpBoardGeneration(board: string): Promise<string> {
  const generation = `${Date.now()}-${crypto.randomUUID().slice(0, 8)}`;
  await caches.default.put(
    generationKey(board),
    new Response(generation, { headers: { "Cache-Control": `max-age=${GENERATION_TTL_SECONDS}` } }),
  );
  return generation;
}

/** The cache key of one page: its canonical query plus the board's generation. */
export function pageKey(board: string, generation: string, canonicalQuery: string): string {
  return `${CACHE_ORIGIN}/page/${encodeURIComponent(board)}/${generation}?${canonicalQuery}`;
}
