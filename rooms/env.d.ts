// Optional variables the rooms read (set in wrangler.toml [vars], `--var`, or the dashboard).
// Not in wrangler.toml by default, so `wrangler types` cannot see them.
declare namespace Cloudflare {
  interface Env {
    /** Live connections one `sub` may hold in one room; default RoomLimits.MAX_CONNECTIONS_PER_SUB. */
    MAX_CONNECTIONS_PER_SUB?: string;
    /** Receives room events as signed POSTs (rooms/events.ts) unless configureEvents names a webhook. */
    WEBHOOK_URL?: string;
    /** Signs them (HMAC-SHA256 key), at least 32 bytes; a secret: `wrangler secret put WEBHOOK_SECRET`. */
    WEBHOOK_SECRET?: string;
  }
}
interface Env {
  MAX_CONNECTIONS_PER_SUB?: string;
  WEBHOOK_URL?: string;
  WEBHOOK_SECRET?: string;
}
