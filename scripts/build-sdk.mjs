// Builds the SDK into client-sdk/dist: one ESM file for browsers and Node 22, plus type declarations.
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { projectRoot } from "./wrangler.mjs";

await build({
  entryPoints: [`${projectRoot}client-sdk/index.ts`],
  outfile: `${projectRoot}client-sdk/dist/index.js`,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // The app supplies Yjs: two copies of Yjs in one page break documents.
  external: ["yjs", "y-protocols", "y-protocols/*", "lib0", "lib0/*"],
  sourcemap: true,
  logLevel: "warning",
});
execFileSync(process.execPath, [`${projectRoot}node_modules/typescript/bin/tsc`, "-p", "client-sdk/tsconfig.build.json"], {
  cwd: projectRoot,
  stdio: "inherit",
});
console.log("SDK built into client-sdk/dist (index.js, types/client-sdk/index.d.ts)");
