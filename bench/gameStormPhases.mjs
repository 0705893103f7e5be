// Where a game join storm's time goes: `clients` players join at once, matchmade into rooms of 100
// (bench/game.mjs joinStorm), and for Edgeroom the load generator times each phase of a join from
// the start: its match answer (POST /v1/match/crowd), its socket open (the upgrade through the edge
// to the room) and its welcome (hello answered, seat written). Colyseus is timed to its first state.
// Every system runs at once and the storms alternate, so the ratio is not the machine's drift.
// Usage: flock /tmp/edgeroom-bench.lock node bench/gameStormPhases.mjs [--clients=500] [--runs=3]
//   [--system=edgeroom-workerd,colyseus] [--before=<dir>] (adds edgeroom-before, see beforeSystem.mjs)
//   (game-floor: the platform's floor, bench/servers/floors/game-relay.js; edgeroom-join-socket: Edgeroom
//   on workerd joined in one request per player, WebSocket /v1/match/crowd/join)
import { pinLoadGenerator } from "./pinning.mjs";
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { colyseusSystem } from "./colyseusClient.mjs";
import { treeCpuSeconds } from "./cpu.mjs";
import { matchAndJoin } from "./game.mjs";
import { ColyseusPlayer, gameToken } from "./gamePlayers.mjs";
import { SYSTEMS, alternateRuns, gameFloorSystem, printPairRatios, withSystemsSideBySide } from "./systems.mjs";
import { median, percentile } from "./stats.mjs";

SYSTEMS.colyseus = colyseusSystem;
SYSTEMS["game-floor"] = gameFloorSystem;
/** Edgeroom on workerd whose players join in one request (WebSocket /v1/match/crowd/join), not the POST and then the socket. */
SYSTEMS["edgeroom-join-socket"] = { ...SYSTEMS["edgeroom-workerd"], joinsOverSocket: true };
const systems = await sideBySideSystems("colyseus");
const clients = Number(arg("clients", "500"));
const runs = Number(arg("runs", "3"));
const wire = arg("wire", "binary2");
pinLoadGenerator();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (values) => [10, 50, 90, 100].map((p) => Math.round(p === 100 ? Math.max(...values) : percentile(values, p)));

/** One storm, with the server's CPU seconds from the clock's start until every player has joined. */
async function stormOnce(system, port, server) {
  const key = `phases-${Math.random().toString(36).slice(2, 8)}`;
  const phases = { matched: [], opened: [], joined: [] };
  const open = [];
  let cpuSeconds;
  if (system.protocol === "colyseus") {
    const cpuBefore = treeCpuSeconds(server.pid);
    const started = performance.now();
    const players = Array.from({ length: clients }, () => new ColyseusPlayer(system.url(port), key));
    for (const joined of await Promise.all(players.map((p) => p.first))) phases.joined.push(joined.at - started);
    cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
    await Promise.race([Promise.allSettled(players.map((p) => p.close())), sleep(5_000)]);
  } else {
    const tokens = await Promise.all(Array.from({ length: clients }, (_, i) => gameToken(port, `${key}-${i}`)));
    const cpuBefore = treeCpuSeconds(server.pid);
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token) => {
        const { at } = await matchAndJoin(port, token, wire, (player) => open.push(player), phases, started, { overSocket: system.joinsOverSocket });
        phases.joined.push(at - started);
      }),
    );
    cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
    for (const player of open) player.close();
    await sleep(1_000);
  }
  return { ...Object.fromEntries(Object.entries(phases).filter(([, v]) => v.length > 0).map(([k, v]) => [k, at(v)])), cpuSeconds };
}

await withSystemsSideBySide(systems, async (started) => {
  await alternateRuns(started, runs, (entry) => stormOnce(entry.system, entry.port, entry.server));
  for (const { name, results } of started) {
    const med = (phase) => [0, 1, 2, 3].map((k) => median(results.map((r) => r[phase][k])));
    const shown = Object.keys(results[0]).filter((key) => key !== "cpuSeconds").map((phase) => `${phase} ${med(phase).join("/")}`);
    console.log(name, "ms from start at p10/p50/p90/max:", shown.join(", "), "| all joined per run", results.map((r) => r.joined[3]).join(", "), "| server CPU s per run", results.map((r) => r.cpuSeconds.toFixed(2)).join(", "));
  }
  printPairRatios(started, "all joined", (r) => r.joined[3]);
  printPairRatios(started, "server CPU", (r) => r.cpuSeconds);
});
process.exit(0);
