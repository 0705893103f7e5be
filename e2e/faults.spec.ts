import { expect, test } from "@playwright/test";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runFaultCycles } from "./support/faultCycles.ts";
import { seedFromEnv } from "./support/faultHarness.ts";

/** This suite's own `wrangler dev`; FAULT_PORT moves it. */
const PORT = Number(process.env.FAULT_PORT ?? 8796);
/** At least 5 in CI; `npm run faults` runs 50. */
const CYCLES = Number(process.env.FAULT_CYCLES ?? 5);
/** Where a long run writes its summary (`npm run faults` sets it); unset in CI. */
const REPORT_DIR = process.env.FAULT_REPORT_DIR;

test("seeded SIGKILL cycles: saved edits, finished matches' leaderboard entries and replays survive exactly once; clients reconnect, resume seats and converge", async () => {
  test.setTimeout(60_000 + CYCLES * 60_000);
  const seed = seedFromEnv();
  console.log(`FAULT_SEED=${seed} FAULT_CYCLES=${CYCLES}`);
  const summary = await runFaultCycles({ port: PORT, seed, cycles: CYCLES, log: (line) => console.log(line) });
  console.log(JSON.stringify({ ...summary, perCycle: undefined }, null, 2));
  if (REPORT_DIR) {
    await mkdir(REPORT_DIR, { recursive: true });
    await writeFile(join(REPORT_DIR, `faults-${seed}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  }
  expect(summary.failures).toEqual([]);
  expect(summary.cyclesCompleted).toBe(CYCLES);
  expect(summary.edits.toldSaved).toBeGreaterThan(0);
  expect(summary.edits.found).toBe(summary.edits.toldSaved);
  expect(summary.matches.finished).toBeGreaterThan(0);
  expect(summary.matches.leaderboardEntries).toBe(summary.matches.expectedLeaderboardEntries);
  expect(summary.matches.replays).toBe(summary.matches.finished);
  expect(summary.matches.duplicates).toBe(0);
  expect(summary.seatResumes).toBeGreaterThan(0);
});
