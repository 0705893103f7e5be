// Issue 14, item 6: what users install is the product, so the repo's own pages, games and Worker use
// the packages exactly as a user would: through their public entry points, never a deep import into
// rooms/ or server/. A static scan of relative imports (comments stripped) walks the import graph.
// Issue 16, item 6: the dependency rule of CONVENTIONS.md, checked here: the client reaches no server module
// and no Workers-only package; room engines reach no runtime (partyserver, cloudflare:*, node:*, Workers globals).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import packageEntries from "../../scripts/package-entries.json";

const root = resolve(dirname(new URL(import.meta.url).pathname), "../..");

/**
 * The files the packages' `exports` maps point at (scripts/pack.mjs builds them from this list); a consumer
 * may import these and nothing else of the packages. An entry is skipped until its file exists.
 */
const PUBLIC_ENTRIES = Object.values(packageEntries)
  .flatMap((entries) => Object.values(entries))
  .filter((file) => existsSync(join(root, file)));

/** The folders each package is built from, and which of them each layer may import (CONVENTIONS.md). */
const LAYER_IMPORTS: Record<string, readonly string[]> = {
  protocol: ["protocol"],
  persistence: ["persistence", "protocol"],
  rooms: ["rooms", "persistence", "protocol"],
  server: ["server", "rooms", "persistence", "protocol"],
  "client-sdk": ["client-sdk", "protocol"],
};

/** Packages a browser bundle must never reach: the entries pages and games import stay free of them. */
const SERVER_ONLY_PACKAGES = /^(cloudflare:|partyserver$|partyserver\/|hono$|hono\/|jose$)/;
/** Public entries that run in browsers too (games are replayed and predicted in the page). */
const BROWSER_SAFE_ENTRIES = ["protocol/game.ts", "protocol/index.ts", "client-sdk/index.ts", "client-sdk/react/index.ts"];

/** Code that uses the packages as a user would: the demo, the shipped games, the repo's own Worker, examples. */
function consumerFiles(): string[] {
  const files = ["server/index.ts"];
  for (const folder of ["demo/src", "games", "examples"]) files.push(...sourceFiles(folder));
  return files.filter((file) => existsSync(join(root, file)));
}

function sourceFiles(folder: string): string[] {
  const path = join(root, folder);
  if (!existsSync(path)) return [];
  const found: string[] = [];
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const child = join(folder, name);
    if (statSync(join(root, child)).isDirectory()) found.push(...sourceFiles(child));
    else if (/\.tsx?$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name) && !name.endsWith(".d.ts")) found.push(child);
  }
  return found;
}

/** Every module specifier a file imports or re-exports, type-only imports included (they reach users' .d.ts too). */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const specifiers: string[] = [];
  const pattern = /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\bimport\s+["']([^"']+)["']/g;
  for (const match of code.matchAll(pattern)) specifiers.push((match[1] ?? match[2] ?? match[3])!);
  return specifiers;
}

/** Relative imports resolved to repo-relative paths; bare specifiers (packages) returned as they are. */
function dependencies(file: string): { local: string[]; packages: string[] } {
  const local: string[] = [];
  const packages: string[] = [];
  for (const specifier of importsOf(readFileSync(join(root, file), "utf8"))) {
    if (specifier.startsWith(".")) local.push(relative(root, resolve(root, dirname(file), specifier)));
    else packages.push(specifier);
  }
  return { local, packages };
}

const layerOf = (file: string): string => file.split("/")[0]!;

/** Every module reachable from `entry` through relative imports, with the edge that reached it. */
function walk(entry: string): Map<string, string> {
  const reachedFrom = new Map<string, string>([[entry, entry]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of dependencies(file).local) {
      if (reachedFrom.has(next)) continue;
      reachedFrom.set(next, file);
      if (existsSync(join(root, next))) queue.push(next);
    }
  }
  return reachedFrom;
}

/** Layers the client must never reach: they hold the Worker's code and its secrets' users. */
const SERVER_LAYERS = ["server", "rooms", "persistence"];
/**
 * Runtime packages an engine must not import: it runs on Workers and on the Node adapter alike, so
 * Node's built-ins (node:sqlite, node:crypto...) come in through ports just as Workers' do.
 */
const RUNTIME_PACKAGES = /^(cloudflare:|partyserver$|partyserver\/|@cloudflare\/|node:)/;
/** Workers' ambient globals and types (workers-types): an engine that names one cannot run or compile elsewhere. */
const WORKERS_GLOBALS =
  /\b(WebSocketPair|DurableObject(?:State|Storage|Namespace|Stub|Id)?|SqlStorage\w*|R2Bucket|R2Object\w*|D1Database|D1PreparedStatement|KVNamespace|ExecutionContext|HTMLRewriter|Env)\b/;

/**
 * A room engine: a file under rooms/ whose name ends in Engine.ts, or any file in a rooms/engine* folder.
 * The rule holds from the first one written; until then it checks nothing (the synthetic case below proves it).
 */
/** Engine sources; their test harnesses (a `testing/` folder) run on Node by design and may use node:sqlite. */
export const isEngineFile = (file: string): boolean =>
  !/\/testing\//.test(file) && (/^rooms\/(?:.+\/)?[^/]*Engine\.tsx?$/.test(file) || /^rooms\/(?:.+\/)?engine[^/]*\/.+\.tsx?$/.test(file));

/** What a rule forbids a file, or anything it reaches through relative imports, to touch. */
interface Forbidden {
  layers?: readonly string[];
  packages?: RegExp;
  globals?: RegExp;
}

/** Source with comments removed, as importsOf reads it. */
const withoutComments = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");

/**
 * Violations of `forbidden` by each entry and every file it reaches. `read` gives a repo-relative file's
 * source, or null when there is none, so a test can hand in a synthetic tree. Each violation names the
 * import chain, so a barrel that drags in a runtime module is easy to find.
 */
export function reachViolations(entries: readonly string[], forbidden: Forbidden, read: (file: string) => string | null): string[] {
  const violations: string[] = [];
  for (const entry of entries) {
    const chainTo = new Map<string, string[]>([[entry, [entry]]]);
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.shift()!;
      const chain = chainTo.get(file)!.join(" -> ");
      // Reported where the chain enters the layer; what that layer imports in turn is its own business.
      if (forbidden.layers?.includes(layerOf(file))) {
        violations.push(`${chain}: reaches ${layerOf(file)}/`);
        continue;
      }
      const source = read(file);
      if (source === null) continue;
      const match = forbidden.globals && withoutComments(source).match(forbidden.globals);
      if (match) violations.push(`${chain}: names the Workers global ${match[1]}`);
      for (const specifier of importsOf(source)) {
        if (!specifier.startsWith(".")) {
          if (forbidden.packages?.test(specifier)) violations.push(`${chain}: imports ${specifier}`);
          continue;
        }
        const next = relative(root, resolve(root, dirname(file), specifier));
        if (chainTo.has(next)) continue;
        chainTo.set(next, [...chainTo.get(file)!, next]);
        queue.push(next);
      }
    }
  }
  return violations;
}

const readRepoFile = (file: string): string | null => (existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8") : null);

/** The rule for client code: no server layer, no runtime package. */
const CLIENT_FORBIDDEN: Forbidden = { layers: SERVER_LAYERS, packages: SERVER_ONLY_PACKAGES };
/** The rule for room engines: no runtime package, no Workers global. */
const ENGINE_FORBIDDEN: Forbidden = { packages: RUNTIME_PACKAGES, globals: WORKERS_GLOBALS };

describe("import boundaries", () => {
  it("the scanner sees imports, re-exports, type imports and dynamic imports, not comments", () => {
    const source = [
      'import { a } from "./a.ts";',
      'import type {\n  B,\n} from "../b.ts";',
      'export * from "./c.ts";',
      'const d = await import("./d.ts");',
      'import "./e.ts";',
      '// import { x } from "./commented.ts";',
      '/** import type { y } from "./doc.ts"; */',
      'const url = "http://example.com"; import { f } from "f";',
    ].join("\n");
    expect(importsOf(source)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts", "f"]);
  });

  it("the demo, the shipped games and the repo's Worker import only public entry points of the packages", () => {
    const violations: string[] = [];
    for (const file of consumerFiles()) {
      for (const target of dependencies(file).local) {
        // Other user code (a page importing a game, the Worker listing its games) is the user's own.
        const isPackageFile = Object.hasOwn(LAYER_IMPORTS, layerOf(target));
        if (isPackageFile && !PUBLIC_ENTRIES.includes(target)) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the demo imports Edgeroom by package name only, names the packages export", () => {
    const exported = Object.entries(packageEntries).flatMap(([name, entries]) => Object.keys(entries).map((subpath) => name + subpath.slice(1)));
    const violations: string[] = [];
    for (const file of sourceFiles("demo/src")) {
      const { local, packages } = dependencies(file);
      for (const target of local) if (Object.hasOwn(LAYER_IMPORTS, layerOf(target))) violations.push(`${file} imports ${target} by path`);
      for (const name of packages) if (/^(edgeroom|@edgeroom\/)/.test(name) && !exported.includes(name)) violations.push(`${file} imports ${name}, which no package exports`);
    }
    expect(violations).toEqual([]);
  });

  it("each package entry reaches only its own layers, each importing only the layers below it", () => {
    const violations: string[] = [];
    for (const entry of PUBLIC_ENTRIES) {
      for (const [file, from] of walk(entry)) {
        const allowed = LAYER_IMPORTS[layerOf(from)] ?? [];
        if (!allowed.includes(layerOf(file))) violations.push(`${from} imports ${file} (from ${entry})`);
        if (!existsSync(join(root, file))) violations.push(`${from} imports ${file}, which does not exist`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the entries pages and games import never reach Worker-only packages", () => {
    const violations: string[] = [];
    for (const entry of BROWSER_SAFE_ENTRIES.filter((file) => PUBLIC_ENTRIES.includes(file))) {
      for (const file of walk(entry).keys()) {
        for (const name of dependencies(file).packages) if (SERVER_ONLY_PACKAGES.test(name)) violations.push(`${file} imports ${name} (from ${entry})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the token helper, which backends run in Node, Bun and Deno, never reaches Workers-only code", () => {
    const violations: string[] = [];
    for (const entry of PUBLIC_ENTRIES.filter((file) => file === "server/token.ts")) {
      for (const file of walk(entry).keys()) {
        for (const name of dependencies(file).packages) if (/^(cloudflare:|partyserver|hono)/.test(name)) violations.push(`${file} imports ${name}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the Worker never reaches node:sqlite, ws or the Node adapter (persistence/nodeSqlite.ts, server/node/ are for Node hosts only)", () => {
    const violations: string[] = [];
    for (const entry of ["server/index.ts", "server/edgeroom.ts"]) {
      for (const [file, from] of walk(entry)) {
        if (file === "persistence/nodeSqlite.ts" || file.startsWith("server/node/")) violations.push(`${from} imports ${file} (from ${entry})`);
        for (const name of dependencies(file).packages) if (/^(node:sqlite|ws)$/.test(name)) violations.push(`${file} imports ${name} (from ${entry})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("no file of the client SDK reaches server/, rooms/, persistence/ or a Worker-only package", () => {
    expect(reachViolations(sourceFiles("client-sdk"), CLIENT_FORBIDDEN, readRepoFile)).toEqual([]);
  });

  it("room engines reach no partyserver, no cloudflare:*, no node:* and no Workers global", () => {
    const engines = sourceFiles("rooms").filter(isEngineFile);
    expect(reachViolations(engines, ENGINE_FORBIDDEN, readRepoFile)).toEqual([]);
  });

  it("the dependency rules catch violations in a synthetic tree (no engine exists yet to prove them on)", () => {
    const tree: Record<string, string> = {
      "rooms/doc/DocEngine.ts": 'import { relay } from "./relay.ts";\nimport type { Ports } from "../engine/ports.ts";',
      "rooms/doc/relay.ts": 'import { Server } from "partyserver";\n// DurableObjectState in a comment is fine\nexport const relay = 1;',
      "rooms/engine/ports.ts": "export interface Ports { sql: SqlStorage }",
      "rooms/engine/clock.ts": 'import { env } from "cloudflare:workers";\nexport const now = () => Date.now();',
      "rooms/game/gameEngine.ts": 'import { score } from "./score.ts";',
      "rooms/game/score.ts": "export const score = (env: Env) => env;",
      "rooms/game/PureEngine.ts": 'import { relay } from "../doc/frames.ts";',
      "rooms/engine/nodeClock.ts": 'import { performance } from "node:perf_hooks";',
      "rooms/doc/frames.ts": 'import * as Y from "yjs";',
      "rooms/RoomShell.ts": 'import { Server } from "partyserver";',
      "client-sdk/index.ts": 'import { PROTOCOL_VERSION } from "../protocol/version.ts";\nimport { token } from "./tokens.ts";',
      "client-sdk/tokens.ts": 'import { createToken } from "../server/token.ts";\nimport { Hono } from "hono";',
      "protocol/version.ts": "export const PROTOCOL_VERSION = 1;",
    };
    const read = (file: string) => tree[file] ?? null;
    const engines = Object.keys(tree).filter(isEngineFile);
    expect(engines).toEqual(["rooms/doc/DocEngine.ts", "rooms/engine/ports.ts", "rooms/engine/clock.ts", "rooms/game/gameEngine.ts", "rooms/game/PureEngine.ts", "rooms/engine/nodeClock.ts"]);
    expect(reachViolations(engines, ENGINE_FORBIDDEN, read)).toEqual([
      "rooms/doc/DocEngine.ts -> rooms/doc/relay.ts: imports partyserver",
      "rooms/doc/DocEngine.ts -> rooms/engine/ports.ts: names the Workers global SqlStorage",
      "rooms/engine/ports.ts: names the Workers global SqlStorage",
      "rooms/engine/clock.ts: imports cloudflare:workers",
      "rooms/game/gameEngine.ts -> rooms/game/score.ts: names the Workers global Env",
      "rooms/engine/nodeClock.ts: imports node:perf_hooks",
    ]);
    expect(reachViolations(["client-sdk/index.ts"], CLIENT_FORBIDDEN, read)).toEqual([
      "client-sdk/index.ts -> client-sdk/tokens.ts: imports hono",
      "client-sdk/index.ts -> client-sdk/tokens.ts -> server/token.ts: reaches server/",
    ]);
  });

  it("the engine rule refuses today's room classes, which are the Workers shells an engine must not be", () => {
    for (const shell of ["rooms/doc/DocRoom.ts", "rooms/game/GameRoom.ts"]) {
      expect(reachViolations([shell], ENGINE_FORBIDDEN, readRepoFile), shell).toContainEqual(expect.stringMatching(/: imports partyserver$/));
    }
  });

  it("the package entry points exist", () => {
    for (const entry of ["server/edgeroom.ts", "protocol/game.ts", "protocol/index.ts", "client-sdk/index.ts"]) {
      expect(existsSync(join(root, entry)), entry).toBe(true);
    }
  });
});
