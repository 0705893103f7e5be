// Builds demo/ into demo/dist, which wrangler serves as static assets.
import { build } from "esbuild";
import { cp, mkdir } from "node:fs/promises";
import { sourceAliases } from "./sourceAliases.mjs";

const root = new URL("../demo/", import.meta.url);
const dist = new URL("dist/", root);
await mkdir(dist, { recursive: true });
for (const file of ["index.html", "editor.html", "tiptap.html", "arena.html", "tictactoe.html", "replay.html", "admin.html", "react.html", "style.css"]) await cp(new URL(file, root), new URL(file, dist));
const options = {
  outdir: dist.pathname,
  bundle: true,
  // The pages import the packages by name (`@edgeroom/client`, `@edgeroom/react`, `edgeroom/protocol`), built here from their sources.
  alias: sourceAliases(),
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  logLevel: "warning",
};
await build({
  ...options,
  entryPoints: Object.fromEntries(
    ["editor", "tiptap", "arena", "tictactoe", "replay", "admin"].map((page) => [page, new URL(`src/${page}.ts`, root).pathname]),
  ),
});
await build({
  ...options,
  entryPoints: { react: new URL("src/react.tsx", root).pathname },
  // JSX compiles to react/jsx-runtime calls, as in a Vite React app.
  jsx: "automatic",
  // React's development build, the one in which <StrictMode> mounts every effect twice: the page shows (and
  // e2e/react.spec.ts checks) that a room still opens one socket. NODE_ENV=production builds React's production one.
  define: { "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV === "production" ? "production" : "development") },
});
console.log("demo built into demo/dist");
