// Game CPU per tick side by side: 100 players in one 20 Hz room (bench/game.mjs gameTick) on each
// system, the systems started together and the runs alternated (alternateRuns), so a change and its
// base (--before=<dir>, beforeSystem.mjs) are each read against Colyseus in the same round.
// Usage: flock /tmp/edgeroom-bench.lock node bench/gameTickPairs.mjs [--players=100] [--seconds=8] [--runs=5]
//   [--before=<dir>] [--system=edgeroom-workerd,colyseus] (game-floor: the platform's floor,
//   bench/servers/floors/game-relay.js; e.g. --system=edgeroom-workerd,game-floor,colyseus)
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { colyseusSystem } from "./colyseusClient.mjs";
import { gameTick } from "./game.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { median } from "./stats.mjs";
import { SYSTEMS, alternateRuns, gameFloorSystem, printPairRatios, withSystemsSideBySide } from "./systems.mjs";

SYSTEMS.colyseus = colyseusSystem;
SYSTEMS["game-floor"] = gameFloorSystem;
const systems = await sideBySideSystems("colyseus");
const players = Number(arg("players", "100"));
const seconds = Number(arg("seconds", "8"));
const runs = Number(arg("runs", "5"));
const wire = arg("wire", "binary2");
pinLoadGenerator();

await withSystemsSideBySide(systems, async (started) => {
  await alternateRuns(started, runs, async (entry) => {
    const result = await gameTick(entry.system, entry.port, entry.server, { players, seconds, wire });
    console.log(new Date().toISOString().slice(11, 19), entry.name, `cpu/tick ${result.serverCpuMsPerTick?.toFixed(2)} ms, ticks/s ${result.ticksPerSecond.toFixed(1)}, unacked ${result.inputsUnacked}`);
    return result;
  });
  for (const { name, results } of started) {
    const cpu = results.map((r) => r.serverCpuMsPerTick);
    console.log(
      name,
      `cpu/tick median ${median(cpu).toFixed(2)} ms (${cpu.map((x) => x.toFixed(2)).join(", ")})`,
      `| ticks/s median ${median(results.map((r) => r.ticksPerSecond)).toFixed(1)}`,
    );
  }
  printPairRatios(started, "cpu/tick", (r) => r.serverCpuMsPerTick);
});
process.exit(0);
