// Issue 14, item 6: what users install is the product, so the repo's own pages, games and Worker use
// the packages exactly as a user would: through their public entry points, never a deep import into
// rooms/ or server/. A static scan of relative imports (comments stripped) walks the import graph.
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

  it("the Worker never reaches node:sqlite (persistence/nodeSqlite.ts is for Node hosts only)", () => {
    const violations: string[] = [];
    for (const entry of ["server/index.ts", "server/edgeroom.ts"]) {
      for (const [file, from] of walk(entry)) {
        if (file === "persistence/nodeSqlite.ts") violations.push(`${from} imports ${file} (from ${entry})`);
        for (const name of dependencies(file).packages) if (name === "node:sqlite") violations.push(`${file} imports ${name} (from ${entry})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the package entry points exist", () => {
    for (const entry of ["server/edgeroom.ts", "protocol/game.ts", "protocol/index.ts", "client-sdk/index.ts"]) {
      expect(existsSync(join(root, entry)), entry).toBe(true);
    }
  });
});
