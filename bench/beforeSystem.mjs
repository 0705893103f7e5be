// `edgeroom-before`: Edgeroom on workerd from another checkout of the repo (with its node_modules and
// demo/dist), so a change and its base run side by side in the same alternating runs
// (bench/stormPhases.mjs, bench/fanOutPairs.mjs: --before=<dir>).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinned } from "./pinning.mjs";
import { SYSTEMS } from "./systems.mjs";

/** Adds `edgeroom-before` to SYSTEMS, built and served from `dir`. */
export async function addBeforeSystem(dir) {
  const { applyLocalMigrations } = await import(join(dir, "scripts/wrangler.mjs"));
  SYSTEMS["edgeroom-before"] = {
    ...SYSTEMS["edgeroom-workerd"],
    start: (port) => {
      const persistTo = mkdtempSync(join(tmpdir(), "edgeroom-bench-"));
      applyLocalMigrations({ persistTo });
      const child = pinned(process.execPath, [join(dir, "bench/servers/edgeroom-workerd.mjs"), String(port), persistTo], { cwd: dir, stdio: ["ignore", "pipe", "inherit"], detached: true });
      child.persistTo = persistTo;
      return child;
    },
  };
}
