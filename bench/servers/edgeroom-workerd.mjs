// Edgeroom on one workerd process, without wrangler dev's proxy in front: the bundle wrangler
// would deploy, with the bindings wrangler.toml declares, served by Miniflare on 127.0.0.1.
// Usage: node edgeroom-workerd.mjs <port> <persist dir>. Prints "ready" once listening.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { localVars, offlineEnv, projectRoot, raisedLimitVars } from "../../scripts/wrangler.mjs";

const port = Number(process.argv[2]);
const persistTo = process.argv[3];
const outdir = mkdtempSync(join(tmpdir(), "edgeroom-bundle-"));
execFileSync(process.execPath, [`${projectRoot}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--env=", "--outdir", outdir], {
  cwd: projectRoot,
  env: { ...process.env, ...offlineEnv },
  stdio: ["ignore", "ignore", "inherit"],
});

const { workerOptions } = unstable_getMiniflareWorkerOptions(`${projectRoot}wrangler.toml`);
// The load generator's peers share one token (see BENCH_VARS in bench/systems.mjs).
workerOptions.bindings = { ...workerOptions.bindings, MAX_CONNECTIONS_PER_SUB: process.env.MAX_CONNECTIONS_PER_SUB ?? "1000" };
// Miniflare 5 takes a new options shape; wrangler converts its v4-shaped options the same way.
const mf = new Miniflare(convertV4MiniflareOptions({
  // Development tokens, as every local run has them (wrangler.toml never turns them on); the bench and
  // the soak drive hundreds of clients from one address, so the public limits are raised.
  workers: [{ ...workerOptions, bindings: { ...workerOptions.bindings, ...localVars, ...raisedLimitVars }, name: "edgeroom", assets: undefined, modulesRules: undefined, rootPath: undefined, modules: true, modulesRoot: outdir, scriptPath: join(outdir, "index.js") }],
  host: "127.0.0.1",
  port,
  // The layout `wrangler dev --persist-to` uses, so `wrangler d1 migrations apply --persist-to` prepared
  // it (Miniflare 5 ignores the v4 name `defaultPersistRoot`: D1 would start empty, unmigrated).
  resourcePersistencePath: join(persistTo, "v3"),
  // bench/profile.mjs attaches to workerd's inspector here.
  ...(process.env.EDGEROOM_INSPECTOR_PORT ? { inspectorPort: Number(process.env.EDGEROOM_INSPECTOR_PORT) } : {}),
}));
await mf.ready;
console.log("ready");
process.on("SIGTERM", () => void mf.dispose().then(() => process.exit(0)));
