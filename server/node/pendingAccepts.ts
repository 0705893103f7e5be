import type { NodeNamespace } from "./objectHost.ts";

/**
 * The header of the in-process answer a room's stub gives to a WebSocket upgrade: its value names the
 * pending accept. Only the Node server reads it, from the app's response; a client never sees it.
 */
export const ACCEPT_HEADER = "x-edgeroom-node-accept";
/** Upgrades answered by a room but not yet completed, at most; each is completed within the same request. */
export const MAX_PENDING_ACCEPTS = 10_000;
/** How long an offer waits for the server to complete its upgrade before it is forgotten. */
const PENDING_ACCEPT_MS = 10_000;

export interface PendingAccept {
  namespace: NodeNamespace;
  name: string;
  request: Request;
}

/**
 * Upgrades a room has agreed to, keyed by a random token. On Cloudflare a room answers 101 with the
 * socket; on Node the socket only exists once `ws` completes the upgrade, after the app answered, so
 * the room answers with this token and the server hands the socket to the room under it.
 */
export class PendingAccepts {
  readonly #offers = new Map<string, PendingAccept & { expiresAt: number }>();

  offer(accept: PendingAccept): Response {
    const now = Date.now();
    for (const [token, offer] of this.#offers) {
      if (offer.expiresAt > now && this.#offers.size < MAX_PENDING_ACCEPTS) break;
      this.#offers.delete(token);
    }
    const token = crypto.randomUUID();
    this.#offers.set(token, { ...accept, expiresAt: now + PENDING_ACCEPT_MS });
    return new Response(null, { status: 200, headers: { [ACCEPT_HEADER]: token } });
  }

  /** The accept a response names, once; null for any other response. */
  take(response: Response): PendingAccept | null {
    const token = response.headers.get(ACCEPT_HEADER);
    if (token === null) return null;
    const offer = this.#offers.get(token);
    this.#offers.delete(token);
    return offer && offer.expiresAt > Date.now() ? offer : null;
  }
}
