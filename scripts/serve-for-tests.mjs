// The service as the end-to-end tests see it: a fresh state directory, its own port,
// so `npm test` can run beside a developer's `npm start` on 8787.
import { execFileSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { applyLocalMigrations, projectRoot, raisedLimitVars, spawnWranglerDev } from "./wrangler.mjs";

const port = Number(process.env.E2E_PORT ?? 8799);
const persistTo = `.wrangler/e2e-state-${port}`;
await rm(new URL(`../${persistTo}`, import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ["scripts/build-demo.mjs"], { cwd: projectRoot, stdio: "inherit" });
applyLocalMigrations({ persistTo });
const wrangler = spawnWranglerDev({ port, persistTo, vars: { ADMIN_TOKEN: process.env.E2E_ADMIN_TOKEN ?? "e2e-admin-token-of-at-least-32-bytes", ...raisedLimitVars } });
// Playwright stops this server by signalling its process group, which wrangler shares.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill("SIGINT"));
wrangler.on("exit", (code) => process.exit(code ?? 0));
