// `npm run fuzz`: the long mode of the fuzz suites (test/workers/fuzz*.test.ts). Every entry
// point runs FUZZ_CASES cases (10,000 unless set) from one printed seed (FUZZ_SEED, random
// unless set). Each entry point prints a `FUZZ_RESULT {json}` line; they are collected into
// test/workers/results/fuzz-<seed>.json. Replay a failed case with the seed it reports.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { offlineEnv, projectRoot } from "./wrangler.mjs";

/** The `Tally` name of every entry point; one that prints no FUZZ_RESULT line did not run its cases. */
const ENTRY_POINTS = [
  "doc frames",
  "handshake",
  "game messages",
  "http public routes",
  "http admin routes",
  "http admin without authority",
  "tokens",
  "identity at the room",
];

const seed = Number(process.env.FUZZ_SEED || Math.floor(Math.random() * 2 ** 31));
const cases = Number(process.env.FUZZ_CASES || 10_000);
console.log(`fuzz: FUZZ_SEED=${seed} FUZZ_CASES=${cases}`);

const startedAt = new Date();
const vitest = spawn(
  process.execPath,
  [join(projectRoot, "node_modules/vitest/vitest.mjs"), "run", "--project", "workers", "--reporter=default", "test/workers/fuzz.test.ts", "test/workers/fuzzHttp.test.ts", "test/workers/fuzzTokens.test.ts"],
  { cwd: projectRoot, env: { ...process.env, ...offlineEnv, FUZZ_SEED: String(seed), FUZZ_CASES: String(cases) }, stdio: ["ignore", "pipe", "inherit"] },
);

const entryPoints = [];
let pending = "";
vitest.stdout.on("data", (chunk) => {
  pending += chunk.toString();
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    const result = line.match(/FUZZ_RESULT (\{.*\})/);
    if (result) {
      const summary = JSON.parse(result[1]);
      entryPoints.push(summary);
      console.log(`fuzz: ${summary.entryPoint}: ${summary.cases} cases in ${(summary.ms / 1000).toFixed(1)} s, ${summary.failed} failed, outcomes ${JSON.stringify(summary.outcomes)}`);
    } else if (!line.startsWith('{"event"')) {
      // Room log lines (one per refused case) are left out; vitest's own report is kept.
      console.log(line);
    }
  }
});

// "close", not "exit": by then stdout is drained, so no last FUZZ_RESULT line is missed.
vitest.on("close", (code) => {
  const missing = ENTRY_POINTS.filter((name) => !entryPoints.some((e) => e.entryPoint === name));
  const report = { seed, cases, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), vitestExitCode: code, entryPoints, missing };
  const dir = join(projectRoot, "test/workers/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `fuzz-${seed}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  for (const name of missing) console.log(`fuzz: FAILED: entry point "${name}" never reported its cases`);
  console.log(`fuzz: ${entryPoints.length} of ${ENTRY_POINTS.length} entry points reported, ${entryPoints.reduce((n, e) => n + e.failed, 0)} failed cases; summary in ${file}`);
  process.exit(missing.length > 0 ? 1 : (code ?? 1));
});
