// Issue 15 (client packages): in a Vite production build of a page that opens a document and a game
// with @edgeroom/client, Edgeroom's own code adds at most CLIENT_BUDGET_GZIP_BYTES over yjs + y-protocols,
// which the app ships anyway. Two pages are built with Vite's `build` API and their gzip sizes compared:
// one keeps all of yjs, y-protocols/awareness and y-protocols/sync; the other keeps the same and also uses
// createClient, client.doc and client.joinOrCreate. The SDK is imported from its source, so whatever it
// pulls in (zod above all) lands in the page as it would in a user's app.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Rollup } from "vite";
import { afterAll, describe, expect, it } from "vitest";

/** The budget: 15 kB gzip of Edgeroom code on top of yjs + y-protocols. */
const CLIENT_BUDGET_GZIP_BYTES = 15_000;

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "edgeroom-client-budget-"));
symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEEP_YJS = `import * as Y from "yjs";
import * as awareness from "y-protocols/awareness";
import * as sync from "y-protocols/sync";
globalThis.deps = { Y, awareness, sync };
`;

const PAGES = {
  base: KEEP_YJS,
  sdk: `${KEEP_YJS}import { createClient } from ${JSON.stringify(join(root, "client-sdk/index.ts"))};
const client = createClient({ baseUrl: location.origin, getToken: async () => "token" });
const notes = client.doc("notes-1");
notes.on("status", (status) => console.log(status));
client.joinOrCreate("clicker").then((game) => {
  game.on("state", (state) => console.log(state));
  game.send({ type: "click" });
});
globalThis.notes = notes;
`,
};

/** Gzip bytes of all JavaScript a production build of `source` emits (one page, every chunk). */
async function pageGzipBytes(name: string, source: string): Promise<{ raw: number; gzip: number }> {
  const entry = join(dir, `${name}.js`);
  writeFileSync(entry, source);
  const result = (await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    build: { write: false, minify: true, target: "es2022", rollupOptions: { input: entry } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  let raw = 0;
  let gzip = 0;
  for (const chunk of outputs) {
    if (chunk.type !== "chunk") continue;
    raw += Buffer.byteLength(chunk.code);
    gzip += gzipSync(chunk.code, { level: 9 }).byteLength;
  }
  return { raw, gzip };
}

describe("@edgeroom/client bundle budget (Vite production build)", () => {
  it(`adds at most ${CLIENT_BUDGET_GZIP_BYTES} bytes gzip over yjs + y-protocols`, { timeout: 120_000 }, async () => {
    const base = await pageGzipBytes("base", PAGES.base);
    const sdk = await pageGzipBytes("sdk", PAGES.sdk);
    const added = { raw: sdk.raw - base.raw, gzip: sdk.gzip - base.gzip };
    console.log(`client budget: yjs + y-protocols ${base.raw} B (${base.gzip} B gzip); with the SDK ${sdk.raw} B (${sdk.gzip} B gzip); Edgeroom adds ${added.raw} B (${added.gzip} B gzip)`);
    expect(base.gzip).toBeGreaterThan(10_000); // the base page really kept yjs
    expect(added.gzip).toBeLessThanOrEqual(CLIENT_BUDGET_GZIP_BYTES);
  });
});
