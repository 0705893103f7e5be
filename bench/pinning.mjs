// CPU pinning shared by the bench: servers on CPU 0, the load generator on CPU 1, where taskset exists.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const serversDir = fileURLToPath(new URL("./servers/", import.meta.url));
export const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** Spawns a server on CPU 0. */
export function pinned(command, args, options) {
  return hasTaskset ? spawn("taskset", ["-c", "0", command, ...args], options) : spawn(command, args, options);
}

/** A Node server from bench/servers/ on CPU 0, in its own process group, saying "ready" on stdout. */
export function nodeServer(file, port, args = []) {
  return pinned(process.execPath, [join(serversDir, file), String(port), ...args], { stdio: ["ignore", "pipe", "inherit"], detached: true });
}

/** Re-runs this script on CPU 1 (once), then exits with its status. Call first thing in a runner. */
export function pinLoadGenerator() {
  if (!hasTaskset || process.env.EDGEROOM_BENCH_PINNED) return;
  const { status } = spawnSync("taskset", ["-c", "1", process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, EDGEROOM_BENCH_PINNED: "1" },
  });
  process.exit(status ?? 1);
}
