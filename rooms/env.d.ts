// Optional variables the rooms read (set in wrangler.toml [vars], `--var`, or the dashboard).
// Not in wrangler.toml by default, so `wrangler types` cannot see them.
declare namespace Cloudflare {
  interface Env {
    /** Live connections one `sub` may hold in one room; default RoomLimits.MAX_CONNECTIONS_PER_SUB. */
    MAX_CONNECTIONS_PER_SUB?: string;
  }
}
interface Env {
  MAX_CONNECTIONS_PER_SUB?: string;
}
