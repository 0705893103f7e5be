// A same-platform floor on one workerd process, like edgeroom-workerd.mjs: a small Worker from
// floors/<name>.js, bundled for workerd by esbuild, served by Miniflare on 127.0.0.1 with
// Edgeroom's compatibility date and flags, its Durable Object classes, nothing persisted.
// Usage: node floor-workerd.mjs <port> <do-relay|y-partyserver|game-relay>. Prints "ready" once listening.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { projectRoot } from "../../scripts/wrangler.mjs";

/** Each floor's Durable Object classes (each binding has its class's name). */
const CLASSES = { "do-relay": ["Relay"], "y-partyserver": ["YDoc"], "game-relay": ["GameRelay", "Matchmaker"] };

const port = Number(process.argv[2]);
const name = process.argv[3];
const classNames = CLASSES[name];
if (!classNames) throw new Error(`unknown floor "${name}": one of ${Object.keys(CLASSES).join(", ")}`);

const outdir = mkdtempSync(join(tmpdir(), `edgeroom-floor-${name}-`));
await build({
  entryPoints: [fileURLToPath(new URL(`./floors/${name}.js`, import.meta.url))],
  outfile: join(outdir, "index.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  external: ["cloudflare:*"],
  minify: false,
  logLevel: "error",
});

// The platform Edgeroom runs on: its wrangler.toml's compatibility date and flags.
const { workerOptions } = unstable_getMiniflareWorkerOptions(`${projectRoot}wrangler.toml`);
const mf = new Miniflare(convertV4MiniflareOptions({
  workers: [{
    name,
    modules: true,
    modulesRoot: outdir,
    scriptPath: join(outdir, "index.js"),
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    // SQLite-backed, as new Durable Objects are on Cloudflare; no floor writes to it.
    durableObjects: Object.fromEntries(classNames.map((className) => [className, { className, useSQLite: true }])),
  }],
  host: "127.0.0.1",
  port,
  // bench/profile.mjs --system=<floor> attaches to workerd's inspector here.
  ...(process.env.EDGEROOM_INSPECTOR_PORT ? { inspectorPort: Number(process.env.EDGEROOM_INSPECTOR_PORT) } : {}),
}));
await mf.ready;
console.log("ready");
process.on("SIGTERM", () => void mf.dispose().then(() => process.exit(0)));
