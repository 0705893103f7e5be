// What one HTTP request costs the server, side by side: `count` requests at once to a route (GET
// /v1/health, or POST /v1/match/crowd with a player's token) on Edgeroom and on the game floor
// (bench/servers/floors/game-relay.js, a Worker with no middleware), alternating rounds, the server's
// CPU seconds per round. A join storm makes two requests per player (its match, its socket's upgrade).
// Usage: flock /tmp/edgeroom-bench.lock node bench/requestCost.mjs [--route=health|match] [--count=500] [--runs=5]
//   [--system=edgeroom-workerd,game-floor] [--before=<dir>]
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { treeCpuSeconds } from "./cpu.mjs";
import { gameToken, quickMatch } from "./gamePlayers.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { SYSTEMS, alternateRuns, gameFloorSystem, printPairRatios, withSystemsSideBySide } from "./systems.mjs";

SYSTEMS["game-floor"] = gameFloorSystem;
const systems = await sideBySideSystems("game-floor");
const route = arg("route", "health");
const count = Number(arg("count", "500"));
const runs = Number(arg("runs", "5"));
if (!["health", "match"].includes(route)) throw new Error("--route=health|match");
if (!(count >= 1 && count <= 2000)) throw new Error("--count must be 1..2000");
pinLoadGenerator();

async function once({ port, server }) {
  const tokens = route === "match" ? await Promise.all(Array.from({ length: count }, (_, i) => gameToken(port, `cost-${i}`))) : [];
  const cpuBefore = treeCpuSeconds(server.pid);
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      route === "health"
        ? fetch(`http://127.0.0.1:${port}/v1/health`).then(async (r) => (await r.arrayBuffer(), r.status))
        : quickMatch(port, tokens[i]).then(async (r) => (await r.arrayBuffer(), r.status)),
    ),
  );
  const ms = performance.now() - started;
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const failed = statuses.filter((s) => s !== 200).length;
  if (failed > 0) throw new Error(`${failed} of ${count} requests failed (first status ${statuses.find((s) => s !== 200)})`);
  return { ms, cpuSeconds };
}

await withSystemsSideBySide(systems, async (started) => {
  await alternateRuns(started, runs, once);
  for (const { name, results } of started) {
    console.log(name, `${count} x ${route}: server CPU s`, results.map((r) => r.cpuSeconds.toFixed(2)).join(", "), "| ms", results.map((r) => Math.round(r.ms)).join(", "));
  }
  printPairRatios(started, "server CPU", (r) => r.cpuSeconds);
});
process.exit(0);
