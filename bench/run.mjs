// `npm run bench [-- --quick] [-- --floors]`: every system in turn (with --floors, side by side and their rounds
// alternated: bench/floorsRun.mjs), the same load generator, medians of repeated runs.
// Bounded in count and time; only 127.0.0.1. Writes bench/results/*.json, SVG charts and BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { gameTick, joinStorm } from "./game.mjs";
import { STORM_SCENARIOS, stormOptions } from "./storm.mjs";
import { burst, burstFloor, fanOut, isYjs } from "./scenarios.mjs";
import { manyWriters, typing } from "./typing.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { SYSTEMS, hasTaskset, stop, waitReady } from "./systems.mjs";
import { summarizeRuns } from "./stats.mjs";
import { writeReport } from "./report.mjs";
import { writeFloorsReport } from "./floorsReport.mjs";
import { runFloorsAlternating } from "./floorsRun.mjs";

const quick = process.argv.includes("--quick");
/** `--floors`: Edgeroom on workerd beside its same-platform floors only, in the scenarios they share; writes bench/results/floors.*. */
const floorsOnly = process.argv.includes("--floors");
pinLoadGenerator();

const config = floorsOnly
  ? {
      runs: 5,
      fanOut: quick ? [100] : [100, 500],
      messages: 50,
      edits: quick ? 40_000 : 260_000,
      batch: 500,
      typing: { rates: [50, 500], observers: [1, 50], seconds: 1.5 },
      writers: null,
      game: { players: [], storm: 0 },
      storm: ["connectionStorm"],
      systems: ["edgeroom-workerd", "do-relay", "y-partyserver"],
      /** Started side by side, each scenario's rounds alternated between them (bench/floorsRun.mjs). */
      alternated: true,
    }
  : quick
  ? {
      runs: 3,
      fanOut: [100],
      messages: 20,
      edits: 10_000,
      batch: 500,
      typing: { rates: [5000], observers: [50], seconds: 1 },
      writers: { writers: 50, perSecond: 5, seconds: 1 },
      game: { players: [100], seconds: 1.5, storm: 100 },
      // The storm scenarios need fresh servers, and idle rooms and cold loads wait for evictions
      // (15-25 s each): full runs only.
      storm: [],
      systems: Object.keys(SYSTEMS),
    }
  : {
      runs: 5,
      fanOut: [10, 100, 500],
      messages: 50,
      edits: 260_000,
      batch: 500,
      typing: { rates: [50, 500, 2000, 5000], observers: [1, 50], seconds: 1.5 },
      writers: { writers: 50, perSecond: 5, seconds: 3 },
      game: { players: [8, 50, 100], seconds: 3, storm: 500 },
      storm: ["connectionStorm", "idleMemory", "hibernatedRooms", "coldLoad"],
      systems: Object.keys(SYSTEMS),
    };
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
if (only) config.systems = only.split(",");
/**
 * `--scenario=burst[,typing,...]`: only these of fanOut, burst (with its fresh sync and the floor),
 * typing, writers, game, gameJoin and the storm scenarios, to measure one figure without the rest.
 */
const scenarioArg = process.argv.find((a) => a.startsWith("--scenario="))?.slice("--scenario=".length);
const wants = (scenario) => !scenarioArg || scenarioArg.split(",").includes(scenario);
const runsArg = process.argv.find((a) => a.startsWith("--runs="))?.slice("--runs=".length);
if (runsArg) config.runs = Math.max(3, Number(runsArg));
/** Each server gets the next port of 9870-9879: a killed server's port may take a moment to free. */
let portIndex = 0;
const nextPort = () => 9870 + (portIndex++ % 10);
const stormOnly = process.argv.includes("--storm-only");

/** One warm-up run per system and scenario (JIT, rooms, connections), not per configuration. */
const warmed = new Set();
async function repeat(runs, once, warmKey) {
  if (!warmed.has(warmKey)) {
    warmed.add(warmKey);
    await once();
  }
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  return summarizeRuns(results);
}

const file = new URL(`./results/${floorsOnly ? "floors" : quick ? "quick" : "full"}.json`, import.meta.url);
// --storm-only: runs the storm scenarios again into the last results file (each uses fresh servers).
const results = stormOnly
  ? { ...JSON.parse(readFileSync(file, "utf8")), stormRunAt: new Date().toISOString() }
  : { startedAt: new Date().toISOString(), quick, config, machine: machine(), versions: versions(), fanOut: {}, burst: {}, typing: {}, writers: {}, game: {}, gameJoin: {} };
// Edgeroom's typing writer is its own SDK, built the way users get it.
spawnSync(process.execPath, [new URL("../scripts/build-sdk.mjs", import.meta.url).pathname], { stdio: "ignore" });
if (floorsOnly) {
  // --storm-only runs the storms alone again; the floors' storms take the full options, as before.
  const floorWants = stormOnly ? (scenario) => config.storm.includes(scenario) && wants(scenario) : wants;
  await runFloorsAlternating({ ...config, stormOptions: stormOptions(false) }, results, floorWants);
}
if (!floorsOnly && !stormOnly && wants("burst")) {
  results.burst.floor = await repeat(config.runs, async () => burstFloor(config), "floor");
  console.log("floor", results.burst.floor);
}

/** Repeats one scenario, keeps its summary under `path` in the results, and prints it. */
async function measure(path, once) {
  const summary = await repeat(config.runs, once, quick ? path.at(-1) : `${path.at(-1)}:${path[0]}`).catch((error) => ({ error: String(error) }));
  let at = results;
  for (const key of path.slice(0, -1)) at = at[key] ??= {};
  at[path.at(-1)] = summary;
  console.log(path.join(" / "), summary);
}

for (const name of stormOnly || floorsOnly ? [] : config.systems) {
  const system = SYSTEMS[name];
  const PORT = nextPort();
  const server = system.start(PORT);
  try {
    await waitReady(system, server, PORT);
    for (const receivers of wants("fanOut") ? config.fanOut : []) {
      await measure(["fanOut", receivers, name], () => fanOut(system, PORT, server, { receivers, messages: config.messages }));
    }
    if (isYjs(system)) {
      if (wants("burst")) await measure(["burst", name], () => burst(system, PORT, server, config));
      for (const observers of wants("typing") ? config.typing.observers : []) {
        for (const rate of config.typing.rates) {
          const key = `${rate}/s, ${observers} observer${observers > 1 ? "s" : ""}`;
          await measure(["typing", key, name], () => typing(system, PORT, server, { rate, observers, seconds: config.typing.seconds }));
        }
      }
      if (config.writers && wants("writers")) await measure(["writers", name], () => manyWriters(system, PORT, server, config.writers));
    }
    if (system.protocol === "colyseus" || system.needsToken) {
      for (const players of wants("game") ? config.game.players : []) {
        // Edgeroom's players ask for the binary2 wire, as the SDK does (others: node bench/game.mjs --wire=json,binary).
        await measure(["game", players, name], () => gameTick(system, PORT, server, { players, seconds: config.game.seconds, wire: "binary2" }));
      }
      if (config.game.storm && wants("gameJoin")) await measure(["gameJoin", name], () => joinStorm(system, PORT, server, { clients: config.game.storm, wire: "binary2" }));
    }
  } finally {
    await stopAndClean(server);
  }
}

// Connection storm, memory and idle rooms: a fresh server per scenario, since memory readings
// depend on what ran before. Rooms that must be evicted take their time: run once each.
const storm = stormOptions(quick);
for (const name of floorsOnly ? [] : config.systems) {
  const system = SYSTEMS[name];
  if (system.protocol === "colyseus") continue;
  for (const scenario of config.storm.filter(wants)) {
    if (scenario === "coldLoad" && !system.needsToken) continue;
    const PORT = nextPort();
    const server = system.start(PORT);
    try {
      await waitReady(system, server, PORT);
      const once = () => STORM_SCENARIOS[scenario](system, PORT, server, storm[scenario]);
      if (scenario === "connectionStorm") await measure([scenario, name], once);
      else {
        results[scenario] ??= {};
        results[scenario][name] = await once().catch((error) => ({ error: String(error) }));
        console.log(scenario, name, results[scenario][name]);
      }
    } finally {
      await stopAndClean(server);
    }
  }
}

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
if (only || scenarioArg) {
  console.log("--only or --scenario: results printed, files left as they were");
  process.exit(0);
}
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
if (floorsOnly) writeFloorsReport(results);
else writeReport(results);
console.log(`results in ${file.pathname} and ${floorsOnly ? "bench/results/floors.md" : quick ? "bench/results/quick/BENCHMARKS.md" : "BENCHMARKS.md"}`);

/** Stops a server and removes the storage this run gave it. */
async function stopAndClean(server) {
  await stop(server);
  if (server.persistTo) rmSync(server.persistTo, { recursive: true, force: true });
}

function machine() {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, pinned: hasTaskset };
}

function versions() {
  const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
  const of = (name) => lock.packages[`node_modules/${name}`]?.version ?? "?";
  return { wrangler: of("wrangler"), yjs: of("yjs"), ws: of("ws"), "@hocuspocus/server": of("@hocuspocus/server"), "@y/websocket-server": of("@y/websocket-server"), "@colyseus/core": of("@colyseus/core"), miniflare: of("miniflare"), workerd: of("workerd") };
}
