import { defineConfig } from "vite";

// No @vitejs/plugin-react: Vite 8 compiles TSX itself (oxc), and the automatic JSX runtime is all a
// production build needs. The plugin adds Fast Refresh in `vite dev`; add it if you want that (it may
// pull a newer vite than the 8.3.8 this repo pins).
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: { target: "es2022" },
});
