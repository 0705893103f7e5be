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
let skipped = 0; // skipped and todo tests: neither passed nor failed, but never silently dropped
const flaky = []; // titles of tests that passed only on a retry

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

/**
 * A stage that reports many tests in a JSON file. A crash before the report, or a report that cannot be
 * read as one (not JSON, a count missing or not a number), counts as one failure and the summary still prints.
 */
function suite(title, command, args, reportFile, count) {
  const ok = run(title, command, args);
  const path = join(results, reportFile);
  if (!existsSync(path)) {
    failed += 1;
    console.log(`${title}: no report was written`);
    return;
  }
  let counts;
  try {
    counts = count(JSON.parse(readFileSync(path, "utf8")));
    for (const key of ["passed", "failed", "skipped"]) {
      if (!Number.isInteger(counts[key]) || counts[key] < 0) throw new Error(`"${key}" is ${counts[key]}`);
    }
  } catch (error) {
    failed += 1;
    console.log(`${title}: the report ${reportFile} is unreadable (${error.message})`);
    return;
  }
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  flaky.push(...(counts.flaky ?? []));
  if (!ok && counts.failed === 0) failed += 1; // failed outside any test (a broken file, a setup error)
}

/** Titles of Playwright tests whose final outcome was "flaky" (failed, then passed on a retry). */
function flakyTitles(suites = [], path = []) {
  return suites.flatMap((s) => [
    ...(s.specs ?? []).filter((spec) => spec.tests.some((t) => t.status === "flaky")).map((spec) => [...path, s.title, spec.title].filter(Boolean).join(" > ")),
    ...flakyTitles(s.suites, [...path, s.title]),
  ]);
}

check("type check", "npm", ["run", "-s", "typecheck"]);
check("build the demo", process.execPath, ["scripts/build-demo.mjs"]);
check("build the SDK", process.execPath, ["scripts/build-sdk.mjs"]);
check("the built SDK loads in plain Node", process.execPath, ["scripts/check-sdk-dist.mjs"]);
check("the packages, installed from their tarballs in a project outside the repo, type-check and bundle", process.execPath, ["scripts/check-packages.mjs"]);
check("the starter, installed from the tarballs outside the repo, plays its game, persists a document, sends its webhook and passes its deploy checks", process.execPath, ["scripts/check-starter.mjs"]);
check("the React example, installed from the tarballs outside the repo, holds the bundle budget and, in two Chromium tabs against wrangler dev, edits a document to saved and plays tic-tac-toe through useGame", process.execPath, ["scripts/check-react-app.mjs"]);
check("production bundle (wrangler deploy --dry-run --env production)", process.execPath, [
  join(projectRoot, "node_modules/wrangler/bin/wrangler.js"),
  "deploy", "--dry-run", "--env", "production", "--outdir", ".wrangler/dry-run",
]);
// `.only` left in a test would silently run a fraction of the suite: both runners refuse it here.
suite("unit and in-workerd tests (vitest)", bin("vitest"), ["run", "--allowOnly=false"], "vitest.json", (report) => ({
  passed: report.numPassedTests,
  failed: report.numFailedTests,
  skipped: report.numPendingTests + report.numTodoTests,
}));
suite("end-to-end tests (Playwright, Chromium)", bin("playwright"), ["test", "--forbid-only"], "playwright.json", (report) => ({
  passed: report.stats.expected + report.stats.flaky,
  failed: report.stats.unexpected,
  skipped: report.stats.skipped,
  flaky: flakyTitles(report.suites),
}));

/**
 * The same contracts on the Node adapter (issue 16's one suite, two runtimes): stock y-websocket sync, the SDK's
 * `saved` edits back after a SIGKILL, a game through matchmaking to its end with the leaderboard and replay,
 * admin inspect and kick, and the SDK's game client. Its own port, so its state never meets wrangler's.
 */
const NODE_ADAPTER_SPECS = ["e2e/stockClient.spec.ts", "e2e/crash.spec.ts", "e2e/games.spec.ts", "e2e/history.spec.ts", "e2e/admin.spec.ts", "e2e/gameSdk.spec.ts"];
env.E2E_ADAPTER = "node";
env.E2E_PORT = "8789";
suite("end-to-end tests on the Node adapter (edgeroom serve)", bin("playwright"), ["test", "--forbid-only", ...NODE_ADAPTER_SPECS], "playwright-node.json", (report) => ({
  passed: report.stats.expected + report.stats.flaky,
  failed: report.stats.unexpected,
  skipped: report.stats.skipped,
  flaky: flakyTitles(report.suites).map((title) => `[node] ${title}`),
}));

for (const title of flaky) console.log(`flaky (failed, then passed on a retry): ${title}`);
// The plain line CI reads; skipped and flaky counts follow it only when there are any.
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}${flaky.length ? `, ${flaky.length} flaky` : ""}`);
process.exit(failed === 0 ? 0 : 1);
