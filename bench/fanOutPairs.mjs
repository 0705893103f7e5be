// Fan-out at one N, the systems started together and their runs alternated, so each run's ratio to
// the last system (the floor) is taken under the same machine load. Prints each system's median
// last-receiver p99, p50 and CPU per delivery, and the per-run ratios of last-receiver p99.
// Usage: flock /tmp/edgeroom-bench.lock node bench/fanOutPairs.mjs [--system=edgeroom-workerd,do-relay] [--receivers=100] [--runs=5] [--before=<dir>]
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { fanOut } from "./scenarios.mjs";
import { median, summarizeRuns } from "./stats.mjs";
import { alternateRuns, withSystemsSideBySide } from "./systems.mjs";

const systems = await sideBySideSystems("do-relay");
const receivers = Number(arg("receivers", "100"));
const runs = Number(arg("runs", "5"));
pinLoadGenerator();

await withSystemsSideBySide(systems, async (started) => {
  const once = (entry) => fanOut(entry.system, entry.port, entry.server, { receivers, messages: 50 });
  await alternateRuns(started, runs, once);
  const floor = started.at(-1);
  for (const { name, results } of started) {
    const med = (key) => median(results.map((r) => r[key]));
    const ratios = results.map((r, i) => r.lastReceiverP99Ms / floor.results[i].lastReceiverP99Ms);
    console.log(`${name}: last-receiver p99 ${med("lastReceiverP99Ms").toFixed(1)} ms, p50 ${med("p50Ms").toFixed(2)} ms, p99 over every run's messages ${summarizeRuns(results).pooledLastReceiverP99Ms.toFixed(1)} ms, CPU ${med("cpuMicrosPerDelivery").toFixed(0)} us/delivery, lost ${results.map((r) => r.lost).join("/")} | vs ${floor.name} per run ${ratios.map((x) => x.toFixed(2)).join(", ")} median ${median(ratios).toFixed(2)}`);
  }
});
