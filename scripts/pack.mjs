// `npm run pack`: builds the packages users install and writes their tarballs to dist/packages/:
//   edgeroom          the server as a library (createEdgeroom, defineGame, the Durable Objects),
//                     with the subpaths edgeroom/game, edgeroom/protocol, edgeroom/webhook and, when it
//                     exists, edgeroom/token;
//                     its D1 migrations (migrations/, for a wrangler.toml's migrations_dir) and the deploy
//                     preflight as the bin edgeroom-preflight; edgeroom/node (the same service on one
//                     Node 22 process) and its command as the bin edgeroom (`npx edgeroom serve`);
//   @edgeroom/client  the SDK as scripts/build-sdk.mjs builds it (client-sdk/dist);
//   @edgeroom/react   the React bindings (client-sdk/react/), which import react, @edgeroom/client and yjs.
// JavaScript from esbuild (dependencies stay imports, never copies), declarations from tsc.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { projectRoot } from "./wrangler.mjs";

const root = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
const out = join(projectRoot, "dist/packages");
const staging = join(out, "build");

/** Packages the server code imports and the user's install supplies: bundling them would ship a second copy. */
const EXTERNAL = ["partyserver", "hono", "jose", "zod", "yjs", "y-protocols", "lib0", "ws"];

/**
 * The `edgeroom` package's entry points, subpath -> source file, from the list the boundary test
 * (test/node/boundaries.test.ts) also reads. An entry whose file does not exist yet is left out.
 */
const ENTRIES = JSON.parse(readFileSync(join(projectRoot, "scripts/package-entries.json"), "utf8"));
const SERVER_ENTRIES = {};
for (const [subpath, file] of Object.entries(ENTRIES.edgeroom)) {
  if (existsSync(join(projectRoot, file))) SERVER_ENTRIES[subpath] = file;
  else console.warn(`pack: ${file} does not exist yet; edgeroom${subpath.slice(1)} is left out of this build`);
}
/**
 * Files of edgeroom/node that are loaded by path rather than imported: the command `edgeroom serve`
 * (bin) and the `cloudflare:workers` module the Node adapter resolves for the Worker's code
 * (server/node/workersShim.ts names it cloudflare-workers.js beside itself).
 */
const NODE_FILES = SERVER_ENTRIES["./node"] ? { cli: "server/node/cli.ts", "cloudflare-workers": "server/node/cloudflareWorkers.ts" } : {};


async function packServer() {
  const dir = join(staging, "edgeroom");
  const entryName = (subpath) => (subpath === "." ? "index" : subpath.slice(2));
  const result = await build({
    entryPoints: [
      ...Object.entries(SERVER_ENTRIES).map(([subpath, file]) => ({ in: join(projectRoot, file), out: entryName(subpath) })),
      ...Object.entries(NODE_FILES).map(([out, file]) => ({ in: join(projectRoot, file), out })),
    ],
    outdir: join(dir, "dist"),
    bundle: true,
    // One copy of each shared module (the game registry above all) however many entries import it.
    splitting: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:*", "node:*", ...EXTERNAL.flatMap((name) => [name, `${name}/*`])],
    metafile: true,
    sourcemap: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs);
  const bundled = inputs.filter((path) => path.includes("node_modules/"));
  if (bundled.length > 0) throw new Error(`pack: a dependency was bundled instead of imported: ${bundled.join(", ")}; add it to EXTERNAL`);
  const outsideLayers = inputs.filter((path) => !/^(server|rooms|persistence|protocol)\//.test(path));
  if (outsideLayers.length > 0) throw new Error(`pack: the package reaches files outside its layers: ${outsideLayers.join(", ")}`);

  emitDeclarations(Object.values(SERVER_ENTRIES), join(dir, "types"));
  // A user's wrangler.toml points migrations_dir at node_modules/edgeroom/migrations, so an upgrade
  // brings its migrations with it; the preflight finds them beside itself (../migrations).
  cpSync(join(projectRoot, "persistence/migrations"), join(dir, "migrations"), { recursive: true, filter: (path) => !/\.(ts|md)$/.test(path) });
  for (const file of ["preflight.mjs", "requireNode22.mjs"]) cpSync(join(projectRoot, "scripts", file), join(dir, "bin", file));
  const used = usedPackages(result.metafile);
  const exportsMap = Object.fromEntries(
    Object.entries(SERVER_ENTRIES).map(([subpath, file]) => [subpath, { types: `./types/${file.replace(/\.ts$/, ".d.ts")}`, default: `./dist/${entryName(subpath)}.js` }]),
  );
  writePackage(dir, {
    name: "edgeroom",
    version: root.version,
    description: root.description,
    type: "module",
    exports: { ...exportsMap, "./package.json": "./package.json" },
    types: exportsMap["."].types,
    files: ["dist", "types", "migrations", "bin", "README.md"],
    bin: { "edgeroom-preflight": "./bin/preflight.mjs", ...(NODE_FILES.cli ? { edgeroom: "./dist/cli.js" } : {}) },
    // Ranges, so the app's own copies (zod, yjs) are shared rather than installed twice.
    dependencies: Object.fromEntries(used.map((name) => [name, `^${versionOf(name)}`])),
    // The preflight reads wrangler.toml with the project's own wrangler. Optional: a Node backend that
    // installs edgeroom for edgeroom/token alone must not get wrangler and workerd with it.
    peerDependencies: { wrangler: `^${root.devDependencies.wrangler}` },
    peerDependenciesMeta: { wrangler: { optional: true } },
  }, SERVER_README);
  return npmPack(dir);
}

async function packClient() {
  const dir = join(staging, "client");
  execFileSync(process.execPath, [join(projectRoot, "scripts/build-sdk.mjs")], { cwd: projectRoot, stdio: "inherit" });
  // Source maps point at sources the package does not carry; they only add weight.
  cpSync(join(projectRoot, "client-sdk/dist"), join(dir, "dist"), { recursive: true, filter: (path) => !path.endsWith(".map") });
  writePackage(dir, {
    name: "@edgeroom/client",
    version: root.version,
    description: "Browser and Node client for Edgeroom: documents (Yjs), game rooms, reconnection and presence",
    type: "module",
    exports: { ".": { types: "./dist/types/client-sdk/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
    types: "./dist/types/client-sdk/index.d.ts",
    files: ["dist", "README.md"],
    // dist/index.js only declares things and imports its peers: a bundler may drop whatever a page leaves unused.
    sideEffects: false,
    // For the declarations alone (game definitions are typed by their zod schemas): dist/index.js never
    // imports zod (scripts/build-sdk.mjs fails if it does), so no page ships it because of the SDK.
    dependencies: { zod: `^${versionOf("zod")}` },
    // The app owns Yjs: two copies of Yjs in one page break documents.
    peerDependencies: { yjs: `^${versionOf("yjs")}`, "y-protocols": `^${versionOf("y-protocols")}`, lib0: `^${versionOf("lib0")}` },
    engines: { node: ">=20" },
  }, CLIENT_README);
  return npmPack(dir);
}

/** What @edgeroom/react may import: the app's React, the client package (by name, so one client per page) and Yjs. */
const REACT_PEERS = ["react", "@edgeroom/client", "yjs"];

async function packReact() {
  const dir = join(staging, "react");
  const result = await build({
    entryPoints: [join(projectRoot, ENTRIES["@edgeroom/react"]["."])],
    outfile: join(dir, "dist/index.js"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    // The peers stay imports; every other package is left external too, so that importing one fails the check below instead of being inlined.
    packages: "external",
    metafile: true,
    logLevel: "warning",
  });
  const outsideFolder = Object.keys(result.metafile.inputs).filter((path) => !path.startsWith("client-sdk/react/"));
  if (outsideFolder.length > 0) {
    throw new Error(`pack: @edgeroom/react reaches ${outsideFolder.join(", ")}; it must import the client as "@edgeroom/client", never copy it`);
  }
  const imported = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((entry) => entry.path));
  const packageName = (path) => (path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]);
  const strangers = imported.filter((path) => !REACT_PEERS.includes(packageName(path)));
  if (strangers.length > 0) throw new Error(`pack: @edgeroom/react imports ${[...new Set(strangers)].join(", ")}; only ${REACT_PEERS.join(", ")} may be imported`);

  // Declarations: "@edgeroom/client" stays a package import in them, resolved to the client package's types.
  const config = join(staging, "tsconfig.react.json");
  const typesOut = join(staging, "react-types");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(projectRoot, "client-sdk/tsconfig.json"),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, rewriteRelativeImportExtensions: true, rootDir: projectRoot, outDir: typesOut },
      files: [join(projectRoot, ENTRIES["@edgeroom/react"]["."])],
      include: [],
    }),
  );
  execFileSync(process.execPath, [join(projectRoot, "node_modules/typescript/bin/tsc"), "-p", config], { cwd: projectRoot, stdio: "inherit" });
  cpSync(join(typesOut, "client-sdk/react"), join(dir, "types"), { recursive: true });
  writePackage(dir, {
    name: "@edgeroom/react",
    version: root.version,
    description: "React hooks for Edgeroom: useDoc, useOthers, useMyPresence, useGame, useLeaderboard",
    type: "module",
    exports: { ".": { types: "./types/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
    types: "./types/index.d.ts",
    files: ["dist", "types", "README.md"],
    sideEffects: false,
    // The app's own React and client: a second copy of either would not share rooms (or hooks) with the app's.
    peerDependencies: { react: ">=18", "@edgeroom/client": root.version, yjs: `^${versionOf("yjs")}` },
  }, REACT_README);
  return npmPack(dir);
}

/** Declarations of `files` and everything they import, with `.ts` imports rewritten to `.js`. */
function emitDeclarations(files, outDir) {
  const config = join(staging, "tsconfig.pack.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(projectRoot, "tsconfig.json"),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, rewriteRelativeImportExtensions: true, rootDir: projectRoot, outDir },
      // The global Env declarations the sources compile against; they are the user's (wrangler types) in their project.
      files: [...files, "server/secrets.d.ts", "rooms/env.d.ts", "worker-configuration.d.ts"].map((file) => join(projectRoot, file)),
      include: [],
    }),
  );
  execFileSync(process.execPath, [join(projectRoot, "node_modules/typescript/bin/tsc"), "-p", config], { cwd: projectRoot, stdio: "inherit" });
  // worker-configuration.d.ts types this repo's bindings through its own Worker, which reaches the shipped games: not the package's.
  rmSync(join(outDir, "games"), { recursive: true, force: true });
  rmSync(join(outDir, "server/index.d.ts"), { force: true });
}

/** The packages the bundle imports, by package name, each one of EXTERNAL. */
function usedPackages(metafile) {
  const names = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith("cloudflare:") || path.startsWith("node:")) continue;
      const name = path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0];
      if (!EXTERNAL.includes(name)) throw new Error(`pack: the bundle imports ${name}, which is not in EXTERNAL`);
      names.add(name);
    }
  }
  return [...names].sort();
}

function versionOf(name) {
  const version = root.dependencies?.[name];
  if (!version) throw new Error(`pack: ${name} is not a dependency in package.json`);
  return version;
}

function writePackage(dir, manifest, readme) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, "README.md"), readme);
}

function npmPack(dir) {
  const output = execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(output)[0].filename;
}

const SERVER_README = `# edgeroom

Real-time rooms for browser games and collaborative apps on Cloudflare Workers and Durable Objects:
Yjs documents, authoritative game rooms, matchmaking, leaderboards, replays, an admin API.

\`\`\`ts
// src/worker.ts
import { createEdgeroom } from "edgeroom";
import { clicker } from "./clicker.ts"; // defineGame({...}) from "edgeroom/game"

export { DocRoom, GameRoom, Matchmaker, RateLimiter } from "edgeroom";
const edgeroom = createEdgeroom({ games: [clicker] });
export default { fetch: edgeroom.fetch } satisfies ExportedHandler<Env>;
\`\`\`

Entry points: \`edgeroom\` (createEdgeroom, defineGame, the Durable Object classes), \`edgeroom/game\`
(defineGame and the game types, safe in a browser bundle), \`edgeroom/protocol\` (the wire schemas)
and \`edgeroom/token\` (createToken, for your backend). See the project README, "Build your own".
`;

const CLIENT_README = `# @edgeroom/client

The client for an Edgeroom Worker, for browsers and Node 22: \`createClient({ baseUrl, getToken })\`,
then \`client.doc(roomId)\` for a Yjs document or \`client.quickJoin<typeof myGame>("my-game")\` for a
typed game room (one socket, resolved once seated). ESM with type declarations.

    npm install @edgeroom/client yjs y-protocols lib0

Peer dependencies: yjs, y-protocols, lib0 (your app's copies; two copies of Yjs in one page break
documents). zod is a dependency for the type declarations only: the code never imports it, so the
SDK adds about 5 kB gzip to a page on top of Yjs. Node 20 has no global WebSocket: pass one,
\`createClient({ baseUrl, getToken, WebSocket })\` with \`WebSocket\` from the \`ws\` package.
See the project README.
`;

const REACT_README = `# @edgeroom/react

React bindings for Edgeroom: \`<EdgeroomProvider client={createClient(...)}>\`, then \`useDoc(roomId)\`,
\`useOthers(provider)\`, \`useMyPresence(provider)\`, \`useGame(gameName, { match: "quick" })\` and
\`useLeaderboard(board)\`. One socket per room, also under React 19 StrictMode; the last component to
unmount closes it.

    npm install @edgeroom/react @edgeroom/client react yjs y-protocols lib0

Peer dependencies: react >= 18, @edgeroom/client (the same version), yjs. See the project README.
`;

rmSync(out, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const tarballs = [await packServer(), await packClient(), await packReact()];
rmSync(staging, { recursive: true, force: true });
for (const file of tarballs) console.log(`pack: dist/packages/${file}`);
