// Copied into the React example's temporary install by scripts/check-react-app.mjs and run there, so
// `vite`, React, yjs and the Edgeroom packages resolve from that install (the tarballs), never from this
// repo. Builds two pages with Vite's production build, the way test/node/clientBundleBudget.test.ts does,
// and prints their sizes as one JSON line:
//   base      keeps React (react-dom/client), all of yjs, y-protocols/awareness and y-protocols/sync:
//             what a React app that edits a Yjs document ships anyway;
//   edgeroom  the same, plus a component that uses createClient and every hook of @edgeroom/react
//             (a document, presence, a game through matchmaking, a leaderboard).
// Their difference is Edgeroom's own code, which the budget bounds.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const dir = join(process.cwd(), "measure");
mkdirSync(dir, { recursive: true });

const BASE = `import * as React from "react";
import { createRoot } from "react-dom/client";
import * as Y from "yjs";
import * as awareness from "y-protocols/awareness";
import * as sync from "y-protocols/sync";
globalThis.deps = { React, createRoot, Y, awareness, sync };
`;

const PAGES = {
  base: BASE,
  edgeroom: `${BASE}import { createClient } from "@edgeroom/client";
import { EdgeroomProvider, useClient, useDoc, useGame, useLeaderboard, useMyPresence, useOthers } from "@edgeroom/react";
const h = React.createElement;
function Page() {
  const client = useClient();
  const notes = useDoc("notes-1");
  const others = useOthers(notes.provider);
  const [mine, setMine] = useMyPresence(notes.provider);
  const game = useGame("tictactoe", { match: "quick" });
  const board = useLeaderboard("tictactoe.wins");
  return h("pre", { onClick: () => { setMine({ x: 1 }); game.send({ type: "place", cell: 4 }); } },
    JSON.stringify([!!client, notes.status, others.length, mine, game.status, game.view, board.entries]));
}
const client = createClient({ baseUrl: location.origin, getToken: async () => "token" });
createRoot(document.body).render(h(EdgeroomProvider, { client }, h(Page)));
`,
};

/** Bytes of all JavaScript a production build of `source` emits (one page, every chunk), raw and gzip -9. */
async function pageSize(name, source) {
  const entry = join(dir, `${name}.js`);
  writeFileSync(entry, source);
  const result = await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    build: { write: false, minify: true, target: "es2022", rollupOptions: { input: entry } },
  });
  let raw = 0;
  let gzip = 0;
  for (const output of (Array.isArray(result) ? result : [result]).flatMap((r) => r.output)) {
    if (output.type !== "chunk") continue;
    raw += Buffer.byteLength(output.code);
    gzip += gzipSync(output.code, { level: 9 }).byteLength;
  }
  return { raw, gzip };
}

const sizes = {};
for (const [name, source] of Object.entries(PAGES)) sizes[name] = await pageSize(name, source);
console.log(JSON.stringify(sizes));
