// The packages' names mapped to their sources, from scripts/package-entries.json (the list `npm run pack`
// builds from). The demo imports `@edgeroom/client`, `edgeroom/protocol`, ... by name, as a user's app
// does; inside the repo these aliases point the names at the sources, so a page built here and a page
// built against the tarballs import the same thing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./wrangler.mjs";

const ENTRIES = JSON.parse(readFileSync(join(projectRoot, "scripts/package-entries.json"), "utf8"));

/** `{ "@edgeroom/client": "/repo/client-sdk/index.ts", "edgeroom/game": "/repo/protocol/game.ts", ... }`, for esbuild's and Vite's `alias`. */
export function sourceAliases() {
  const aliases = {};
  for (const [name, entries] of Object.entries(ENTRIES)) {
    for (const [subpath, file] of Object.entries(entries)) {
      if (existsSync(join(projectRoot, file))) aliases[name + subpath.slice(1)] = join(projectRoot, file);
    }
  }
  return aliases;
}
