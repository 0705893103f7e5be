/** Host names a developer's own machine answers to; `[::1]` is how a URL spells the IPv6 loopback. */
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether a URL's hostname names the machine itself (a local run, or a page served from it). */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname);
}
/** Client addresses of the same machine, as Cloudflare or Miniflare put them in CF-Connecting-IP. */
const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1"]);

/**
 * Whether a request is a developer's own, on their machine: development tokens are served and
 * accepted only then. Two checks:
 * - the URL's host (the Host the client asked for, as `wrangler dev` passes it on) is loopback: a
 *   tunnel, a LAN address or a DNS-rebinding page (Host: evil.example) is not;
 * - CF-Connecting-IP, when present, is loopback: Cloudflare sets it to the real client on every
 *   request through its network (a deploy, or a tunnel to a local `wrangler dev`), whatever Host says.
 * Locally, Miniflare fills CF-Connecting-IP only when a client did not send one, so a client that can
 * reach a `wrangler dev` bound to another interface could forge both; the scripts bind 127.0.0.1.
 */
export function isLoopbackRequest(request: Request, url = new URL(request.url)): boolean {
  if (!isLoopbackHostname(url.hostname)) return false;
  const client = request.headers.get("CF-Connecting-IP");
  return client === null || LOOPBACK_ADDRESSES.has(client);
}
