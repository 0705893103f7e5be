// README "Node versions": the token helper (edgeroom/token) runs on Node 20, which backends still run,
// though this project's tooling needs Node 22. It is bundled for a platform with no Node or Workers
// built-ins (so an import of either fails the build) and run by the machine's own Node 20.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { jwtVerify } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { findSystemNode } from "./systemNode.ts";

const SECRET = "a-backend-secret-of-at-least-32-bytes";

const node20 = findSystemNode(20);
const dir = mkdtempSync(join(tmpdir(), "edgeroom-token-node20-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(node20 === null)("the token helper on the system Node 20", () => {
  it("builds with no Node or Workers built-ins, then creates a token under Node 20 that jose verifies", async () => {
    await build({
      entryPoints: [new URL("../../server/token.ts", import.meta.url).pathname],
      outfile: join(dir, "token.mjs"),
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      logLevel: "silent",
    });
    writeFileSync(
      join(dir, "run.mjs"),
      `import { createToken } from "./token.mjs";
const token = await createToken({ sub: "u20", room: "doc/notes-1", role: "editor", ttlSeconds: 120 }, ${JSON.stringify(SECRET)});
let refusal = null;
try { await createToken({ sub: "u20", room: "doc/team-1*", role: "editor" }, ${JSON.stringify(SECRET)}); } catch (error) { refusal = error.message; }
console.log(JSON.stringify({ version: process.version, token, refusal }));
`,
    );
    const out = JSON.parse(execFileSync(node20!, [join(dir, "run.mjs")], { cwd: dir, encoding: "utf8" }));
    expect(out.version).toMatch(/^v20\./);
    const { payload } = await jwtVerify(out.token, new TextEncoder().encode(SECRET), { algorithms: ["HS256"] });
    expect(payload).toMatchObject({ sub: "u20", room: "doc/notes-1", role: "editor" });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(out.refusal).toMatch(/"room" is invalid/);
  });
});
