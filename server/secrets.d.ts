// Secrets are not in wrangler.toml, so `wrangler types` cannot see them.
// Set with `npx wrangler secret put AUTH_SECRET --env production`, or in .dev.vars locally.
declare namespace Cloudflare {
  interface Env {
    AUTH_SECRET?: string;
    ADMIN_TOKEN?: string;
    /** Comma-separated origins whose pages may connect (server/origins.ts); a plain var, optional. */
    ALLOWED_ORIGINS?: string;
  }
}
interface Env {
  AUTH_SECRET?: string;
  ADMIN_TOKEN?: string;
  ALLOWED_ORIGINS?: string;
}
