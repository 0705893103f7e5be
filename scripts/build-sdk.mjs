// Builds the SDK into client-sdk/dist: one ESM file for browsers and Node 22, plus type declarations.
// The file holds Edgeroom's code alone: Yjs and its helpers are the app's (peer dependencies), and
// zod is not on the SDK's run-time path at all (protocol/clientWire.ts), so a page does not ship it.
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { projectRoot } from "./wrangler.mjs";

/** The only packages the built SDK may import: the app's own copies (two copies of Yjs in one page break documents). */
const PEERS = ["yjs", "y-protocols", "lib0"];

const result = await build({
  entryPoints: [`${projectRoot}client-sdk/index.ts`],
  outfile: `${projectRoot}client-sdk/dist/index.js`,
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // zod stays external too, so that a run-time import of it fails the check below instead of being inlined.
  external: [...PEERS, "zod"].flatMap((name) => [name, `${name}/*`]),
  metafile: true,
  sourcemap: true,
  logLevel: "warning",
});
const bundled = Object.keys(result.metafile.inputs).filter((path) => path.includes("node_modules/"));
if (bundled.length > 0) throw new Error(`build-sdk: a package was bundled into the SDK: ${bundled.join(", ")}`);
const outsideLayers = Object.keys(result.metafile.inputs).filter((path) => !/^(client-sdk|protocol)\//.test(path));
if (outsideLayers.length > 0) throw new Error(`build-sdk: the SDK reaches files outside client-sdk/ and protocol/: ${outsideLayers.join(", ")}`);
const imported = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((entry) => entry.path));
const strangers = imported.filter((path) => !PEERS.includes(path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]));
if (strangers.length > 0) {
  throw new Error(`build-sdk: the SDK imports ${[...new Set(strangers)].join(", ")} at run time; only ${PEERS.join(", ")} may be imported (zod: use protocol/clientWire.ts)`);
}
execFileSync(process.execPath, [`${projectRoot}node_modules/typescript/bin/tsc`, "-p", "client-sdk/tsconfig.build.json"], {
  cwd: projectRoot,
  stdio: "inherit",
});
console.log("SDK built into client-sdk/dist (index.js, types/client-sdk/index.d.ts)");
