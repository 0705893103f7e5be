/** Entries the cache holds at most; past it the oldest is dropped (a miss, never a wrong page). */
export const MAX_CACHE_ENTRIES = 10_000;

/**
 * The Workers Cache API (`caches.default`) in one Node process: the leaderboard routes cache pages and
 * board generations in it. Honours `Cache-Control: max-age`; an entry without one is not stored, as on
 * Cloudflare. Bounded by MAX_CACHE_ENTRIES.
 */
export class MemoryCache {
  readonly #entries = new Map<string, { body: ArrayBuffer; status: number; headers: [string, string][]; expiresAt: number }>();

  async match(request: RequestInfo | URL): Promise<Response | undefined> {
    const key = keyOf(request);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return new Response(entry.body.slice(0), { status: entry.status, headers: entry.headers });
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const maxAge = /max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1];
    if (maxAge === undefined) return;
    const key = keyOf(request);
    this.#entries.delete(key);
    this.#entries.set(key, { body: await response.arrayBuffer(), status: response.status, headers: [...response.headers], expiresAt: Date.now() + Number(maxAge) * 1000 });
    while (this.#entries.size > MAX_CACHE_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }

  async delete(request: RequestInfo | URL): Promise<boolean> {
    return this.#entries.delete(keyOf(request));
  }
}

function keyOf(request: RequestInfo | URL): string {
  return typeof request === "string" ? request : request instanceof URL ? request.href : request.url;
}
