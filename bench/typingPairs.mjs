// Typing at one rate and observer count, the systems started together and their runs alternated, so
// each run's ratio to the last system (y-partyserver, the same platform without durability) is taken
// under the same machine load. Prints each system's median p50, p99 and server CPU, the per-run p99 ratios, and
// where in the trace each run's slowest edits fell.
// Usage: flock /tmp/edgeroom-bench.lock node bench/typingPairs.mjs [--system=edgeroom-workerd,y-partyserver] [--rate=500] [--observers=1] [--seconds=1.5] [--runs=5] [--before=<dir>]
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { median } from "./stats.mjs";
import { alternateRuns, withSystemsSideBySide } from "./systems.mjs";
import { typing } from "./typing.mjs";

const systems = await sideBySideSystems("y-partyserver");
const options = { rate: Number(arg("rate", "500")), observers: Number(arg("observers", "1")), seconds: Number(arg("seconds", "1.5")) };
const runs = Number(arg("runs", "5"));
pinLoadGenerator();

await withSystemsSideBySide(systems, async (started) => {
  const once = (entry) => typing(entry.system, entry.port, entry.server, options);
  await alternateRuns(started, runs, once);
  const floor = started.at(-1);
  for (const { name, results } of started) {
    const med = (key) => median(results.map((r) => r[key]));
    const ratios = results.map((r, i) => r.p99Ms / floor.results[i].p99Ms);
    console.log(`${name}: p50 ${med("p50Ms").toFixed(2)} ms (runs ${results.map((r) => r.p50Ms.toFixed(1)).join(", ")}), p99 ${med("p99Ms").toFixed(2)} ms, server CPU ${med("serverCpuSeconds").toFixed(2)} s, lost ${results.map((r) => r.lost).join("/")} | p99 vs ${floor.name} per run ${ratios.map((x) => x.toFixed(2)).join(", ")} median ${median(ratios).toFixed(2)}`);
    for (const r of results) console.log(`  slowest [edit, ms]: ${r.slowest.map(([i, ms]) => `${i}:${ms}`).join(" ")}`);
  }
});
