// README "Node versions": the tooling needs Node 22.12+, and a script started with an older Node
// (the machine's Node 20, outside `npm run`) stops at once with what to do, not inside wrangler.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { nodeVersionProblem } from "../../scripts/requireNode22.mjs";
import { findSystemNode } from "./systemNode.ts";

const root = new URL("../../", import.meta.url).pathname;
const node20 = findSystemNode(20);
const temp = mkdtempSync(join(tmpdir(), "edgeroom-node-guard-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const WHAT_TO_DO = "Run them through npm run / npx, which use the Node 22 this project installs";

describe("the Node version guard", () => {
  it("accepts Node 22.12 and later, and names the version and what to do otherwise", () => {
    for (const version of ["22.12.0", "22.23.3", "24.1.0", "26.0.0"]) expect(nodeVersionProblem(version, "node")).toBeNull();
    for (const version of ["20.20.2", "22.11.0", "18.19.1"]) {
      const problem: string = nodeVersionProblem(version, "/usr/bin/node");
      expect(problem).toContain(`this is Node v${version} (/usr/bin/node)`);
      expect(problem).toContain(WHAT_TO_DO);
      expect(problem).toContain('export PATH="$PWD/node_modules/.bin:$PATH"');
    }
  });
});

describe.skipIf(node20 === null)("scripts started with the system Node 20", () => {
  it("scripts/wrangler.mjs, which every script that runs wrangler imports, exits 1 with the message before wrangler runs", () => {
    // A script of its own that only imports the helper, so nothing would start if the guard let it through.
    const script = join(temp, "importsWranglerHelper.mjs");
    writeFileSync(script, `import { projectRoot } from ${JSON.stringify(join(root, "scripts/wrangler.mjs"))};\nconsole.log("ran with", projectRoot);\n`);
    const { status, stdout, stderr } = spawnSync(node20!, [script], { cwd: temp, encoding: "utf8" });
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("Edgeroom's scripts need Node 22.12 or later");
    expect(stderr).toContain(WHAT_TO_DO);
    expect(stderr).not.toContain("Wrangler requires at least Node.js");
  });

  it("the deploy preflight does the same", () => {
    const { status, stderr } = spawnSync(node20!, [join(root, "scripts/preflight.mjs"), "--env", "production"], { cwd: root, encoding: "utf8" });
    expect(status).toBe(1);
    expect(stderr).toContain("Edgeroom's scripts need Node 22.12 or later");
    expect(stderr).not.toContain("placeholder");
  });
});
