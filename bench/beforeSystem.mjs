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

/** A `--name=value` argument of this script's command line, else `fallback`. */
export const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

/**
 * The systems a side-by-side script runs (`--system=a,b`, else Edgeroom beside `floor`, the floor
 * last, or alone without one), with `edgeroom-before` first when `--before=<dir>` is given.
 */
export async function sideBySideSystems(floor = null) {
  const before = arg("before", null);
  if (before) await addBeforeSystem(before);
  const fallback = [before ? "edgeroom-before" : null, "edgeroom-workerd", floor].filter(Boolean).join(",");
  return arg("system", fallback).split(",");
}
