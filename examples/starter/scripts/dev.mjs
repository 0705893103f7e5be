// `npm run dev`: everything a local run needs, then `wrangler dev` on http://127.0.0.1:8787.
//   1. .dev.vars gets a random AUTH_SECRET the first time (it signs the tokens /api/token hands out);
//   2. the local D1 database gets the edgeroom package's migrations (applied ones are skipped);
//   3. wrangler dev starts; wrangler.toml's [build] bundles the page first.
// PORT=8788 npm run dev picks another port; arguments after `--` go to wrangler dev
// (npm run dev -- --var WEBHOOK_URL:http://127.0.0.1:9000/hook).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";

// Offline by default: no telemetry, no download of request.cf data, no update check. Set any of these
// yourself to override.
const env = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true", ...process.env };

const DEV_VARS = ".dev.vars";
const vars = existsSync(DEV_VARS) ? readFileSync(DEV_VARS, "utf8") : "";
if (!/^AUTH_SECRET=/m.test(vars)) {
  // 32 random bytes: the rooms refuse a secret under 32 bytes. Local only; deployed, use `wrangler secret put`.
  appendFileSync(DEV_VARS, `${vars && !vars.endsWith("\n") ? "\n" : ""}AUTH_SECRET=${randomBytes(32).toString("base64url")}\n`);
  console.log(`dev: wrote a random AUTH_SECRET to ${DEV_VARS}`);
}

// CI=true: wrangler applies without asking.
const migrations = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], { stdio: ["ignore", "inherit", "inherit"], env: { ...env, CI: "true" } });
if (migrations.status !== 0) {
  console.error("dev: applying the D1 migrations to the local database failed (wrangler's message is above); is the edgeroom package installed (npm install)?");
  process.exit(1);
}

const port = process.env.PORT ?? "8787";
// 127.0.0.1, not localhost: some machines resolve localhost to ::1 only.
const wrangler = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", port, "--show-interactive-dev-session=false", ...process.argv.slice(2)], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill(signal));
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
