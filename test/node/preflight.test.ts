// README "Deploy": `npm run deploy` runs scripts/preflight.mjs first, which refuses a placeholder D1 id,
// a missing binding, a migration file `wrangler d1 migrations apply` would never see, and secrets or
// development tokens in plain vars, each with the command or edit that fixes it.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const preflightScript = join(root, "scripts/preflight.mjs");
const shippedMigrations = join(root, "persistence/migrations");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" };
const temp = mkdtempSync(join(tmpdir(), "edgeroom-preflight-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function preflight(args: string[], cwd = root) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [preflightScript, ...args], { cwd, env, encoding: "utf8" });
  return { status, stdout, stderr };
}

const REAL_ID = "6f1c2a9e-3b7d-4e28-9a41-0c5d8e7f3b12";
const DO_BLOCKS = (names: string[]) =>
  names.map((name) => `[[env.production.durable_objects.bindings]]\nname = "${name}"\nclass_name = "${name}"\n`).join("\n");

/** A starter-like project in its own folder: wrangler.toml, its migrations and its pages. */
function project(
  name: string,
  { databaseId = REAL_ID, rooms = ["DocRoom", "GameRoom", "Matchmaker", "RateLimiter"], migrations = readdirSync(shippedMigrations), vars = "" } = {},
): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, "migrations"), { recursive: true });
  mkdirSync(join(dir, "public"), { recursive: true });
  writeFileSync(join(dir, "public/index.html"), "<!doctype html>");
  for (const file of migrations) copyFileSync(join(shippedMigrations, file), join(dir, "migrations", file));
  writeFileSync(
    join(dir, "wrangler.toml"),
    `name = "my-rooms"
main = "src/index.ts"
compatibility_date = "2026-10-20"

[assets]
directory = "public"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["DocRoom", "GameRoom", "Matchmaker", "RateLimiter"]

[env.production]
${vars}
${DO_BLOCKS(rooms)}
[[env.production.r2_buckets]]
binding = "ARCHIVE"
bucket_name = "my-rooms-archive"

[[env.production.d1_databases]]
binding = "DB"
database_name = "my-rooms"
database_id = "${databaseId}"
migrations_dir = "migrations"
`,
  );
  return dir;
}

/** Each case spawns the preflight (Node, wrangler's config reader): seconds each on a loaded 2-core machine, not a speed bound. */
const SPAWNING_TEST_MS = 30_000;

describe("deploy preflight", { timeout: SPAWNING_TEST_MS }, () => {
  it("refuses this repository's wrangler.toml as it is: its production D1 id is a placeholder", () => {
    const result = preflight(["--env", "production"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('D1 binding DB: database_id "11111111-1111-1111-1111-111111111111" is a placeholder');
    expect(result.stderr).toContain("fix: npx wrangler d1 create edgeroom (or, if it exists, npx wrangler d1 info edgeroom), then put the database_id");
    expect(result.stderr).toContain("Nothing was deployed");
  });

  it("refuses the all-zeros id of the top-level env, and a missing one", () => {
    expect(preflight([]).stderr).toContain('database_id "00000000-0000-0000-0000-000000000000" is a placeholder');
    const dir = project("no-id", { databaseId: "" });
    expect(preflight(["--config", join(dir, "wrangler.toml"), "--env", "production"]).stderr).toContain("D1 binding DB has no database_id");
  });

  it("passes a project with a real-looking id, every binding and every migration, printing what it cannot check offline", () => {
    const dir = project("complete");
    const result = preflight(["--config", "wrangler.toml", "--env", "production"], dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Preflight passed for wrangler.toml, env production.");
    expect(result.stdout).toContain("npx wrangler d1 migrations list DB --remote --env production");
    expect(result.stdout).toContain("npx wrangler secret list --env production");
  });

  it("refuses a missing Durable Object binding, giving the block to add", () => {
    const dir = project("no-game-room", { rooms: ["DocRoom", "Matchmaker", "RateLimiter"] });
    const result = preflight(["--config", join(dir, "wrangler.toml"), "--env", "production"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("✗ no Durable Object binding GameRoom");
    expect(result.stderr).toMatch(/\[\[env\.production\.durable_objects\.bindings\]\]\s+name = "GameRoom"\s+class_name = "GameRoom"/);
  });

  it("refuses a shipped migration missing from migrations_dir, which `wrangler d1 migrations apply` would never apply", () => {
    const all = readdirSync(shippedMigrations).sort();
    const dir = project("old-migrations", { migrations: all.slice(0, -1) });
    const result = preflight(["--config", join(dir, "wrangler.toml"), "--env", "production"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`migration ${all.at(-1)} is not in migrations`);
    expect(result.stderr).toMatch(new RegExp(`fix: cp \\S*persistence/migrations/${all.at(-1)} \\S*migrations/`));
  });

  it("refuses a secret or development tokens in plain vars", () => {
    const dir = project("plain-secret", { vars: '[env.production.vars]\nAUTH_SECRET = "x"\nDEV_TOKENS = "on"\n' });
    const result = preflight(["--config", join(dir, "wrangler.toml"), "--env", "production"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("AUTH_SECRET is a plain var");
    expect(result.stderr).toContain("openssl rand -base64 32 | npx wrangler secret put AUTH_SECRET --env production");
    expect(result.stderr).toContain('DEV_TOKENS is "on"');
  });

  it("says which env is missing rather than printing a stack", () => {
    const result = preflight(["--env", "staging"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No environment found in configuration with name "staging"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("npm run deploy", () => {
  it("runs the preflight before wrangler deploy", () => {
    const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const deploy: string = scripts.deploy;
    expect(deploy.indexOf("node scripts/preflight.mjs --env production &&")).toBeGreaterThanOrEqual(0);
    expect(deploy.indexOf("scripts/preflight.mjs")).toBeLessThan(deploy.indexOf("wrangler deploy --env production"));
  });

  it("stops at the preflight's refusal of the placeholder id, before wrangler deploys anything", () => {
    // Should the preflight ever pass here (a fork with its real id), wrangler still cannot deploy: no
    // login state (a fresh HOME), no API token, and CI=true so it never opens a browser to log in.
    const home = join(temp, "home");
    mkdirSync(home, { recursive: true });
    const isolated = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("CLOUDFLARE_API") && name !== "CLOUDFLARE_ACCOUNT_ID"));
    const deployEnv = { ...isolated, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), CI: "true" };
    const { status, stdout, stderr } = spawnSync("npm", ["run", "-s", "deploy"], { cwd: root, env: deployEnv, encoding: "utf8" });
    expect(status).not.toBe(0);
    expect(stderr).toContain('database_id "11111111-1111-1111-1111-111111111111" is a placeholder');
    expect(stdout + stderr).not.toMatch(/Total Upload|Uploaded|CLOUDFLARE_API_TOKEN|wrangler login/);
    // Not a speed bound: `npm run deploy` first builds every demo page (TipTap and React included) in
    // production mode, which takes several seconds on a loaded 2-core machine.
  }, 60_000);
});
