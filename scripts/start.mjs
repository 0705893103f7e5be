// `npm start`: builds the demo and serves the service and the demo at http://127.0.0.1:8787.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { applyLocalMigrations, projectRoot, spawnWranglerDev, stopWranglerTree } from "./wrangler.mjs";

execFileSync(process.execPath, ["scripts/build-demo.mjs"], { cwd: projectRoot, stdio: "inherit" });
applyLocalMigrations();
const port = Number(process.env.PORT ?? 8787);
// The admin API stays closed without a token: use ADMIN_TOKEN from the environment or .dev.vars,
// or make one for this run and say so. 32 random bytes: the service refuses one under 32 bytes.
const devVarsPath = `${projectRoot}.dev.vars`;
const devVars = existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : "";
const vars = {};
if (process.env.ADMIN_TOKEN) vars.ADMIN_TOKEN = process.env.ADMIN_TOKEN;
else if (!/^ADMIN_TOKEN\s*=/m.test(devVars)) vars.ADMIN_TOKEN = randomBytes(32).toString("base64url");
const wrangler = spawnWranglerDev({ port, detached: true, vars });
console.log(`Edgeroom: serving on http://127.0.0.1:${port} (state in .wrangler/state). Ctrl-C stops it.`);
if (vars.ADMIN_TOKEN && Buffer.byteLength(vars.ADMIN_TOKEN) < 32) console.warn("Edgeroom: ADMIN_TOKEN is shorter than 32 bytes; the admin API will answer 503 until it is longer.");
if (vars.ADMIN_TOKEN) console.log(`Edgeroom: admin page http://127.0.0.1:${port}/admin.html, admin token for this run: ${vars.ADMIN_TOKEN}`);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopWranglerTree(wrangler));
process.on("exit", () => stopWranglerTree(wrangler));
wrangler.on("exit", (code) => process.exit(code ?? 0));
