#!/usr/bin/env node
// `npm run deploy` runs this before `wrangler deploy`: it reads wrangler.toml as wrangler does and
// refuses what would deploy a broken or unsafe service, saying which command fixes each problem.
// What needs Cloudflare's API (remote migrations, secrets) cannot be checked offline: it prints the
// commands that check them instead. Usage: node scripts/preflight.mjs [--config wrangler.toml] [--env production]
// The `edgeroom` package ships it as the bin `edgeroom-preflight` (scripts/pack.mjs), same flags.
import "./requireNode22.mjs";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** The bindings the Worker reads (server/index.ts): a deploy without one fails at its first use. */
export const REQUIRED_BINDINGS = {
  durableObjects: ["DocRoom", "GameRoom", "Matchmaker", "RateLimiter"],
  d1: "DB",
  r2: "ARCHIVE",
};

/** Variables that are secrets: in [vars] they would sit in plain text in wrangler.toml and the dashboard. */
const SECRET_NAMES = ["AUTH_SECRET", "AUTH_SECRET_PREVIOUS", "ADMIN_TOKEN", "CURSOR_SECRET"];

/**
 * The migrations this copy of Edgeroom ships; a user's migrations_dir must hold every one of them.
 * In this repository they are persistence/migrations; in the installed package, migrations/ beside bin/.
 */
const PACKAGED_MIGRATIONS_DIR = ["../persistence/migrations/", "../migrations/"]
  .map((path) => fileURLToPath(new URL(path, import.meta.url)))
  .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL("../migrations/", import.meta.url));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a D1 database_id is missing or a placeholder: all zeros, one digit repeated (1111...),
 * or not an id at all. Such an id passes `wrangler deploy --dry-run` and fails only at deploy.
 */
export function isPlaceholderDatabaseId(id) {
  if (typeof id !== "string" || !UUID.test(id)) return true;
  return new Set(id.replaceAll("-", "").toLowerCase()).size === 1;
}

/**
 * Checks the config at `configPath` for `env` (undefined: the top level). Returns the refusals
 * (`{ problem, fix }`, each fix a command or an edit), what it cannot check offline (`unchecked`,
 * each with the command that checks it) and notes on what the deploy will ship.
 */
export async function preflight({ configPath = "wrangler.toml", env } = {}) {
  const { unstable_readConfig } = await importWrangler();
  const config = unstable_readConfig({ config: configPath, env });
  const configDir = dirname(resolve(configPath));
  const isDefaultConfig = resolve(configPath) === resolve("wrangler.toml");
  const flags = `${env ? ` --env ${env}` : ""}${isDefaultConfig ? "" : ` --config ${configPath}`}`;
  const wrangler = (args) => `npx wrangler ${args}${flags}`;
  const section = (table) => (env ? `[[env.${env}.${table}]]` : `[[${table}]]`);
  const varsSection = env ? `[env.${env}.vars]` : "[vars]";
  const refusals = [];
  const unchecked = [];
  const notes = [];
  const refuse = (problem, fix) => refusals.push({ problem, fix });

  // Durable Objects: a binding for each room class, and a migration that creates the class with SQLite storage.
  const migratedClasses = new Set(
    (config.migrations ?? []).flatMap((m) => [...(m.new_sqlite_classes ?? []), ...(m.new_classes ?? []), ...(m.renamed_classes ?? []).map((r) => r.to)]),
  );
  for (const name of REQUIRED_BINDINGS.durableObjects) {
    const binding = config.durable_objects.bindings.find((b) => b.name === name);
    if (!binding) {
      refuse(`no Durable Object binding ${name}`, `add to ${configPath}:\n${section("durable_objects.bindings")}\nname = "${name}"\nclass_name = "${name}"`);
    } else if (!binding.script_name && !migratedClasses.has(binding.class_name)) {
      refuse(
        `Durable Object class ${binding.class_name} has no [[migrations]] entry, so Cloudflare will not create it`,
        `add to ${configPath}:\n[[migrations]]\ntag = "v${(config.migrations ?? []).length + 1}"\nnew_sqlite_classes = ["${binding.class_name}"]`,
      );
    }
  }

  const d1 = config.d1_databases.find((b) => b.binding === REQUIRED_BINDINGS.d1);
  if (!d1) {
    refuse(
      `no D1 binding ${REQUIRED_BINDINGS.d1}`,
      `npx wrangler d1 create ${config.name}, then add to ${configPath}:\n${section("d1_databases")}\nbinding = "${REQUIRED_BINDINGS.d1}"\ndatabase_name = "${config.name}"\ndatabase_id = "<the id it prints>"\nmigrations_dir = "${relative(configDir, PACKAGED_MIGRATIONS_DIR) || "."}"`,
    );
  } else {
    if (isPlaceholderDatabaseId(d1.database_id)) {
      const name = d1.database_name ?? config.name;
      refuse(
        d1.database_id ? `D1 binding ${d1.binding}: database_id "${d1.database_id}" is a placeholder, not a real database` : `D1 binding ${d1.binding} has no database_id`,
        `npx wrangler d1 create ${name} (or, if it exists, npx wrangler d1 info ${name}), then put the database_id it prints in ${section("d1_databases")} (binding = "${d1.binding}") of ${configPath}`,
      );
    }
    checkMigrationFiles(d1, configDir, configPath, section, refuse);
    unchecked.push(
      `whether the remote database has every migration: ${wrangler(`d1 migrations list ${d1.binding} --remote`)}; apply the missing ones with ${wrangler(`d1 migrations apply ${d1.binding} --remote`)}`,
    );
  }

  const r2 = config.r2_buckets.find((b) => b.binding === REQUIRED_BINDINGS.r2);
  if (!r2) {
    refuse(
      `no R2 binding ${REQUIRED_BINDINGS.r2}`,
      `npx wrangler r2 bucket create ${config.name}-archive, then add to ${configPath}:\n${section("r2_buckets")}\nbinding = "${REQUIRED_BINDINGS.r2}"\nbucket_name = "${config.name}-archive"`,
    );
  }

  // Vars: secrets do not belong there, and development tokens never ship.
  for (const name of SECRET_NAMES) {
    if (name in config.vars) {
      refuse(
        `${name} is a plain var in ${configPath}, readable by anyone with the file or the dashboard`,
        `remove it from ${varsSection} and run: openssl rand -base64 32 | ${wrangler(`secret put ${name}`)}`,
      );
    }
  }
  if (config.vars.DEV_TOKENS !== undefined && config.vars.DEV_TOKENS !== "off") {
    refuse(`DEV_TOKENS is "${config.vars.DEV_TOKENS}" in ${varsSection}: a deployed Worker must never hand out development tokens`, `remove DEV_TOKENS from ${varsSection}`);
  }
  unchecked.push(
    `secrets: ${wrangler("secret list")} must show AUTH_SECRET (and ADMIN_TOKEN for the admin API); set one with: openssl rand -base64 32 | ${wrangler("secret put AUTH_SECRET")}`,
  );
  notes.push(
    config.vars.ALLOWED_ORIGINS
      ? `pages on these origins may connect: ${config.vars.ALLOWED_ORIGINS}`
      : `ALLOWED_ORIGINS is unset: only pages served by the Worker itself may connect; for an app on another origin set ALLOWED_ORIGINS in ${varsSection}`,
  );

  if (config.assets?.directory) {
    const assets = resolve(configDir, config.assets.directory);
    if (!existsSync(assets)) {
      refuse(`the [assets] directory ${config.assets.directory} does not exist`, `build it first (in Edgeroom's repository: npm run build:demo), or remove [assets] from ${configPath} to ship the API alone`);
    } else {
      const admin = existsSync(resolve(assets, "admin.html")) ? "; /admin.html is only a page, the admin API behind it needs ADMIN_TOKEN" : "";
      notes.push(`[assets] ships ${config.assets.directory} as public pages${admin}; remove [assets] to ship the API alone`);
    }
  }
  if (!(config.routes?.length || config.route)) {
    notes.push(`no custom domain: the Worker is served on workers.dev only; add routes = [{ pattern = "rooms.example.com", custom_domain = true }]${env ? ` under [env.${env}]` : ""}`);
  }
  return { refusals, unchecked, notes };
}

/** The project's own wrangler, which reads wrangler.toml exactly as the deploy will. */
async function importWrangler() {
  try {
    return await import("wrangler");
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error("the preflight reads wrangler.toml with your project's wrangler, which is not installed here: npm install --save-dev wrangler");
  }
}

/** The configured migrations_dir must exist and hold every migration this copy of Edgeroom ships. */
function checkMigrationFiles(d1, configDir, configPath, section, refuse) {
  // wrangler's default when migrations_dir is unset.
  const dir = resolve(configDir, d1.migrations_dir ?? "migrations");
  const shipped = relative(configDir, PACKAGED_MIGRATIONS_DIR) || ".";
  const setDir = `set migrations_dir = "${shipped}" in ${section("d1_databases")} (binding = "${d1.binding}") of ${configPath}`;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    refuse(`D1 binding ${d1.binding}: migrations_dir ${relative(configDir, dir) || "."} does not exist, so no migration would ever be applied`, setDir);
    return;
  }
  if (!existsSync(PACKAGED_MIGRATIONS_DIR) || resolve(dir) === resolve(PACKAGED_MIGRATIONS_DIR)) return;
  const present = new Set(readdirSync(dir));
  for (const file of readdirSync(PACKAGED_MIGRATIONS_DIR).filter((f) => f.endsWith(".sql")).sort()) {
    if (!present.has(file)) {
      refuse(
        `migration ${file} is not in ${relative(configDir, dir)}, so \`wrangler d1 migrations apply\` will never apply it`,
        `cp ${relative(process.cwd(), resolve(PACKAGED_MIGRATIONS_DIR, file))} ${relative(process.cwd(), dir) || "."}/ (or ${setDir})`,
      );
    }
  }
}

async function main() {
  const { values } = parseArgs({ options: { config: { type: "string", default: "wrangler.toml" }, env: { type: "string" } } });
  const where = `${values.config}${values.env ? `, env ${values.env}` : ", top-level env"}`;
  let result;
  try {
    result = await preflight({ configPath: values.config, env: values.env });
  } catch (error) {
    // wrangler's own message (a missing file, an unknown env, a bad field) says what is wrong; its stack does not.
    console.error(`Preflight: cannot read ${where}:\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const list = (items) => items.map((item) => `  - ${item}`).join("\n");
  console.log(`\nNot checked offline (needs Cloudflare's API); check with:\n${list(result.unchecked)}`);
  console.log(`\nWhat this deploy ships:\n${list(result.notes)}`);
  // Last, so the refusals are what the terminal ends with.
  for (const { problem, fix } of result.refusals) console.error(`\n✗ ${problem}\n  fix: ${fix.replaceAll("\n", "\n       ")}`);
  if (result.refusals.length > 0) {
    console.error(`\nPreflight refused ${where}: ${result.refusals.length} problem(s) above. Nothing was deployed.`);
    process.exit(1);
  }
  console.log(`\nPreflight passed for ${where}.`);
}

// Run as a script, directly or through the bin's symlink (node_modules/.bin/edgeroom-preflight), whose path differs from this file's.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(resolve(process.argv[1]))).href) await main();
