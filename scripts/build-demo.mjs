// Builds demo/ into demo/dist, which wrangler serves as static assets.
import { build } from "esbuild";
import { cp, mkdir } from "node:fs/promises";
import { sourceAliases } from "./sourceAliases.mjs";

const root = new URL("../demo/", import.meta.url);
const dist = new URL("dist/", root);
await mkdir(dist, { recursive: true });
for (const file of ["index.html", "editor.html", "arena.html", "tictactoe.html", "replay.html", "admin.html", "style.css"]) await cp(new URL(file, root), new URL(file, dist));
await build({
  entryPoints: Object.fromEntries(
    ["editor", "arena", "tictactoe", "replay", "admin"].map((page) => [page, new URL(`src/${page}.ts`, root).pathname]),
  ),
  outdir: dist.pathname,
  bundle: true,
  // The pages import the packages by name (`@edgeroom/client`, `edgeroom/protocol`), built here from their sources.
  alias: sourceAliases(),
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
console.log("demo built into demo/dist");
