// README "Node versions": the client SDK, built as scripts/build-sdk.mjs builds it, runs on Node 20
// when given a WebSocket class (Node 20 has no global one; browsers and Node 22 do).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { findSystemNode } from "./systemNode.ts";

const root = new URL("../../", import.meta.url).pathname;
const node20 = findSystemNode(20);
const dir = mkdtempSync(join(tmpdir(), "edgeroom-sdk-node20-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(node20 === null)("the built client SDK on the system Node 20", () => {
  it("creates a client with ws's WebSocket, opens and closes a document provider, and without one says to pass it", async () => {
    // The options of scripts/build-sdk.mjs: Yjs and its helpers stay the app's.
    await build({
      entryPoints: [join(root, "client-sdk/index.ts")],
      outfile: join(dir, "sdk.js"),
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      external: ["yjs", "y-protocols", "y-protocols/*", "lib0", "lib0/*"],
      logLevel: "silent",
    });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
    writeFileSync(
      join(dir, "run.js"),
      `import { WebSocket } from "ws";
import * as Y from "yjs";
import { createClient } from "./sdk.js";
let missing = "";
try {
  createClient({ baseUrl: "http://127.0.0.1:9", getToken: () => "t" });
} catch (error) {
  missing = error.message;
}
const client = createClient({ baseUrl: "http://127.0.0.1:9", getToken: () => "t", WebSocket });
const provider = client.doc("notes-1", { doc: new Y.Doc() });
const statuses = [provider.status];
provider.destroy();
statuses.push(provider.status);
console.log(JSON.stringify({ version: process.version, statuses, missing }));
`,
    );
    const out = JSON.parse(execFileSync(node20!, [join(dir, "run.js")], { cwd: dir, encoding: "utf8" }));
    expect(out).toEqual({
      version: expect.stringMatching(/^v20\./),
      statuses: ["connecting", "closed"],
      // Without one, it says what to pass rather than failing later on `new undefined`.
      missing: expect.stringMatching(/no global WebSocket.*Node 20.*createClient\(\{ WebSocket \}\).*"ws"/),
    });
  });
});
