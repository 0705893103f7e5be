// `npm start`: builds the demo and serves the service and the demo at http://127.0.0.1:8787.
import { execFileSync } from "node:child_process";
import { applyLocalMigrations, projectRoot, spawnWranglerDev, stopWranglerTree } from "./wrangler.mjs";

execFileSync(process.execPath, ["scripts/build-demo.mjs"], { cwd: projectRoot, stdio: "inherit" });
applyLocalMigrations();
const port = Number(process.env.PORT ?? 8787);
const wrangler = spawnWranglerDev({ port, detached: true });
console.log(`Edgeroom: serving on http://127.0.0.1:${port} (state in .wrangler/state). Ctrl-C stops it.`);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopWranglerTree(wrangler));
process.on("exit", () => stopWranglerTree(wrangler));
wrangler.on("exit", (code) => process.exit(code ?? 0));
