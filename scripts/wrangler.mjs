// Runs wrangler with the settings that keep it local and quiet (see README, "Offline").
// First, so a script started with an older Node stops with what to do before wrangler says anything.
import "./requireNode22.mjs";
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** Without these, wrangler sends telemetry, downloads request.cf data and checks for updates. */
export const offlineEnv = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
};

/**
 * Vars every local run gets: development tokens, which wrangler.toml never turns on (a plain
 * `wrangler deploy` must not ship them). The service still serves them to loopback hosts only.
 */
export const localVars = { DEV_TOKENS: "on" };

/**
 * For load: end-to-end suites, benchmarks and the soak drive hundreds of clients from one address
 * and a few users, past the per-address and per-user limits a public service keeps (README). These
 * raise them; the in-workerd tests hold the defaults (test/workers/*.defaults.test.ts).
 */
export const raisedLimitVars = { PUBLIC_RATE_LIMIT_PER_MINUTE: "1000000", ROOM_CREATIONS_PER_MINUTE: "1000000" };

/**
 * Starts `wrangler dev` on 127.0.0.1 in its own process group, so the caller can stop
 * the whole tree (wrangler and workerd) by that group's id.
 */
export function spawnWranglerDev({ port = 8787, persistTo, stdio = "inherit", detached = false, vars = {} } = {}) {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"];
  for (const [name, value] of Object.entries({ ...localVars, ...vars })) args.push("--var", `${name}:${value}`);
  if (persistTo) args.push("--persist-to", persistTo);
  return spawn(process.execPath, [`${projectRoot}node_modules/wrangler/bin/wrangler.js`, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...offlineEnv },
    stdio,
    detached,
  });
}

/**
 * Stops a tree started with `detached: true` by signalling its whole process group:
 * wrangler's launcher does not pass a signal on to the CLI and workerd below it.
 */
export function stopWranglerTree(child, signal = "SIGINT") {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Applies persistence/migrations to the local D1 database (idempotent: applied ones are skipped).
 * Named by its binding, so the default env's database name (edgeroom-dev) lives in wrangler.toml only.
 */
export function applyLocalMigrations({ persistTo } = {}) {
  const args = ["d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  execFileSync(process.execPath, [`${projectRoot}node_modules/wrangler/bin/wrangler.js`, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...offlineEnv, CI: "true" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
