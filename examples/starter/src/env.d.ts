// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here, with the
// same type `wrangler types` gives a .dev.vars entry, so regenerating the types never conflicts.
// Locally they live in .dev.vars (`npm run dev` creates it); deployed, `npx wrangler secret put NAME`.
// Edgeroom's optional settings (WEBHOOK_URL, ALLOWED_ORIGINS, ...) are read by the package itself.
interface Env {
  /** Signs the tokens /api/token hands out and the rooms check; at least 32 bytes. */
  AUTH_SECRET: string;
}
