// `npm test`: every check, in order, each run even if an earlier one failed, then one
// summary line `N passed, N failed`. Exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { offlineEnv, projectRoot } from "./wrangler.mjs";

const results = join(projectRoot, "test-results");
rmSync(results, { recursive: true, force: true });
const env = { ...process.env, ...offlineEnv };
const bin = (name) => join(projectRoot, "node_modules", ".bin", name);
let passed = 0;
let failed = 0;

function run(title, command, args) {
  console.log(`\n=== ${title}`);
  const { status } = spawnSync(command, args, { cwd: projectRoot, env, stdio: "inherit" });
  return status === 0;
}

/** A stage that is one check: it passes or fails as a whole. */
function check(title, command, args) {
  if (run(title, command, args)) passed += 1;
  else failed += 1;
}

/** A stage that reports many tests in a JSON file; a crash before the report counts as one failure. */
function suite(title, command, args, reportFile, count) {
  const ok = run(title, command, args);
  const path = join(results, reportFile);
  if (!existsSync(path)) {
    failed += 1;
    console.log(`${title}: no report was written`);
    return;
  }
  const counts = count(JSON.parse(readFileSync(path, "utf8")));
  passed += counts.passed;
  failed += counts.failed;
  if (!ok && counts.failed === 0) failed += 1; // failed outside any test (a broken file, a setup error)
}

check("type check", "npm", ["run", "-s", "typecheck"]);
check("build the demo", process.execPath, ["scripts/build-demo.mjs"]);
check("build the SDK", process.execPath, ["scripts/build-sdk.mjs"]);
check("the built SDK loads in plain Node", process.execPath, ["scripts/check-sdk-dist.mjs"]);
check("production bundle (wrangler deploy --dry-run --env production)", process.execPath, [
  join(projectRoot, "node_modules/wrangler/bin/wrangler.js"),
  "deploy", "--dry-run", "--env", "production", "--outdir", ".wrangler/dry-run",
]);
suite("unit and in-workerd tests (vitest)", bin("vitest"), ["run"], "vitest.json", (report) => ({
  passed: report.numPassedTests,
  failed: report.numFailedTests,
}));
suite("end-to-end tests (Playwright, Chromium)", bin("playwright"), ["test"], "playwright.json", (report) => ({
  passed: report.stats.expected + report.stats.flaky,
  failed: report.stats.unexpected,
}));

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
