import { env } from "cloudflare:workers";
import { applyD1Migrations } from "cloudflare:test";

// The same migrations `npm start` applies to the local database.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
