// The service as the end-to-end tests see it, on the Node adapter (E2E_ADAPTER=node): the same
// routes, rooms and demo pages as scripts/serve-for-tests.mjs serves through wrangler dev, from one
// Node process (server/node, `edgeroom serve`), with a fresh data folder and its own port.
import { execFileSync, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { localVars, projectRoot, raisedLimitVars } from "./wrangler.mjs";

const port = Number(process.env.E2E_PORT ?? 8799);
const dataDir = `.wrangler/e2e-node-state-${port}`;
await rm(new URL(`../${dataDir}`, import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ["scripts/build-demo.mjs"], { cwd: projectRoot, stdio: "inherit" });
const args = ["--experimental-transform-types", "--no-warnings", "server/node/cli.ts", "serve", "--port", String(port), "--data", dataDir];
// The repo's shipped games, as wrangler dev runs them (server/index.ts), and the demo pages as [assets].
args.push("--config", "test/node/nodeAdapter/config.ts", "--assets", "demo/dist");
const vars = { ...localVars, ...raisedLimitVars, ADMIN_TOKEN: process.env.E2E_ADMIN_TOKEN ?? "e2e-admin-token-of-at-least-32-bytes" };
const server = spawn(process.execPath, args, { cwd: projectRoot, stdio: "inherit", env: { ...process.env, ...vars } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill("SIGTERM"));
server.on("exit", (code) => process.exit(code ?? 0));
