// Burst replay and its fresh sync, the systems started together and their runs alternated with the
// no-network floor (scenarios.mjs burstFloor), so each run's fresh-sync ratio to the floor is taken
// under the same machine load. Prints each system's median fresh sync and converge time, and the
// per-run ratios of fresh sync to the floor's of the same round.
// Usage: flock /tmp/edgeroom-bench.lock node [--expose-gc] bench/freshSyncPairs.mjs [--system=edgeroom-workerd] [--edits=260000] [--runs=5] [--before=<dir>]
// With --expose-gc, every fresh sync (and the floor's) starts after a full collection of the burst's garbage.
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { burst, burstFloor } from "./scenarios.mjs";
import { median } from "./stats.mjs";
import { alternateRuns, withSystemsSideBySide } from "./systems.mjs";

// The floor runs in this process (burstFloor), so it is not one of the started systems.
const systems = await sideBySideSystems();
const config = { edits: Number(arg("edits", "260000")), batch: 500 };
const runs = Number(arg("runs", "5"));
pinLoadGenerator();

await withSystemsSideBySide(systems, async (started) => {
  const floor = { name: "floor", results: [] };
  const once = (entry) => (entry === floor ? burstFloor(config) : burst(entry.system, entry.port, entry.server, config));
  await alternateRuns([...started, floor], runs, once);
  const fmt = (values) => values.map((x) => (x === null ? "null" : x.toFixed(2))).join(", ");
  console.log(`floor: fresh sync ${median(floor.results.map((r) => r.freshSyncMs)).toFixed(1)} ms, per run ${fmt(floor.results.map((r) => r.freshSyncMs))}`);
  for (const { name, results } of started) {
    const fresh = results.map((r) => r.freshSyncMs);
    const ratios = results.map((r, i) => (r.freshSyncMs === null ? null : r.freshSyncMs / floor.results[i].freshSyncMs));
    console.log(`${name}: fresh sync ${median(fresh.filter((x) => x !== null))?.toFixed(1)} ms (per run ${fmt(fresh)}), opened at ${median(results.map((r) => r.freshOpenedMs)).toFixed(1)} ms, open to answer ${median(results.map((r) => r.freshAnswerMs - r.freshOpenedMs)).toFixed(1)} ms, answer to synced ${median(results.map((r) => (r.freshSyncMs ?? Infinity) - r.freshAnswerMs)).toFixed(1)} ms, answer's first frame at ${median(results.map((r) => r.freshAnswerMs)).toFixed(1)} ms in ${results.map((r) => r.freshAnswerFrames).join("/")} frames of ${results.map((r) => Math.round(r.freshAnswerBytes / 1000)).join("/")} KB, converge ${median(results.map((r) => r.convergeMs ?? Infinity)).toFixed(0)} ms | / floor per run ${fmt(ratios)} median ${median(ratios.filter((x) => x !== null))?.toFixed(2)}`);
  }
});
