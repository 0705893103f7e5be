// Secrets and local-only settings are not in wrangler.toml, so `wrangler types` cannot see them.
// Secrets: `npx wrangler secret put AUTH_SECRET --env production` (each at least 32 bytes), or
// .dev.vars locally. Every one is optional; see README "Tokens" and "Deploying".
interface EdgeroomSettings {
  /** Signs and verifies room tokens; at least 32 bytes. */
  AUTH_SECRET?: string;
  /** The secret before the last rotation, still accepted until removed; at least 32 bytes. */
  AUTH_SECRET_PREVIOUS?: string;
  /** When set, a token's `aud` claim must name it. */
  AUTH_AUDIENCE?: string;
  /** When set, a token's `iss` claim must be it. */
  AUTH_ISSUER?: string;
  /** Longest accepted token lifetime (exp - iat), in whole seconds; default 86400 (24 h). */
  MAX_TOKEN_LIFETIME_SECONDS?: string;
  /** Opens the admin API; at least 32 bytes. */
  ADMIN_TOKEN?: string;
  /** Comma-separated origins whose pages may connect (server/origins.ts); a plain var, optional. */
  ALLOWED_ORIGINS?: string;
  /** "on" enables development tokens, on loopback hosts only. Set only by local runs (scripts/wrangler.mjs, vitest.config.ts). */
  DEV_TOKENS?: string;
  /** Signs leaderboard cursors; without it a key is derived from AUTH_SECRET. */
  CURSOR_SECRET?: string;
  /** Optional bounds (positive integers as text); see rooms/RateLimiter.ts for the defaults. */
  PUBLIC_RATE_LIMIT_PER_MINUTE?: string;
  ROOM_CREATIONS_PER_MINUTE?: string;
}
declare namespace Cloudflare {
  interface Env extends EdgeroomSettings {}
}
interface Env extends EdgeroomSettings {}
