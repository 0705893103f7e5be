// `npm run bench [-- --quick]`: every system in turn, the same load generator, medians of repeated runs.
// Bounded in count and time; only 127.0.0.1. Writes bench/results/*.json, SVG charts and BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { burst, burstFloor, fanOut } from "./scenarios.mjs";
import { manyWriters, typing } from "./typing.mjs";
import { SYSTEMS, hasTaskset, stop, waitReady } from "./systems.mjs";
import { median } from "./stats.mjs";
import { writeReport } from "./report.mjs";

const quick = process.argv.includes("--quick");
// The load generator runs on CPU 1, the servers on CPU 0.
if (hasTaskset && !process.env.EDGEROOM_BENCH_PINNED) {
  const { status } = spawnSync("taskset", ["-c", "1", process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, EDGEROOM_BENCH_PINNED: "1" },
  });
  process.exit(status ?? 1);
}

const config = quick
  ? {
      runs: 3,
      fanOut: [10, 100],
      messages: 20,
      edits: 40_000,
      batch: 500,
      typing: { rates: [500, 5000], observers: [50], seconds: 1 },
      writers: { writers: 50, perSecond: 5, seconds: 2 },
      systems: Object.keys(SYSTEMS),
    }
  : {
      runs: 5,
      fanOut: [10, 100, 500],
      messages: 50,
      edits: 260_000,
      batch: 500,
      typing: { rates: [50, 500, 2000, 5000], observers: [1, 50], seconds: 3 },
      writers: { writers: 50, perSecond: 5, seconds: 5 },
      systems: Object.keys(SYSTEMS),
    };
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
if (only) config.systems = only.split(",");
const PORT = 9870;

/** Median of each numeric field over runs; booleans must hold in every run. */
function summarize(results) {
  const out = {};
  for (const key of Object.keys(results[0])) {
    const values = results.map((r) => r[key]);
    if (typeof values[0] === "boolean") out[key] = values.every(Boolean);
    else out[key] = values.some((v) => v === null) ? null : median(values);
  }
  return out;
}

async function repeat(runs, once) {
  await once(); // warm-up, not measured
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  return summarize(results);
}

const results = { startedAt: new Date().toISOString(), quick, config, machine: machine(), versions: versions(), fanOut: {}, burst: {}, typing: {}, writers: {} };
// Edgeroom's typing writer is its own SDK, built the way users get it.
spawnSync(process.execPath, [new URL("../scripts/build-sdk.mjs", import.meta.url).pathname], { stdio: "ignore" });
results.burst.floor = await repeat(config.runs, async () => burstFloor(config));
console.log("floor", results.burst.floor);

for (const name of config.systems) {
  const system = SYSTEMS[name];
  const server = system.start(PORT);
  try {
    await waitReady(system, server, PORT);
    for (const receivers of config.fanOut) {
      const summary = await repeat(config.runs, () => fanOut(system, PORT, server, { receivers, messages: config.messages })).catch((error) => ({ error: String(error) }));
      (results.fanOut[receivers] ??= {})[name] = summary;
      console.log(name, `fan-out ${receivers}`, summary);
    }
    if (system.protocol !== "raw") {
      const summary = await repeat(config.runs, () => burst(system, PORT, server, config)).catch((error) => ({ error: String(error) }));
      results.burst[name] = summary;
      console.log(name, "burst", summary);
      for (const observers of config.typing.observers) {
        for (const rate of config.typing.rates) {
          const key = `${rate}/s, ${observers} observer${observers > 1 ? "s" : ""}`;
          const summary = await repeat(config.runs, () => typing(system, PORT, server, { rate, observers, seconds: config.typing.seconds })).catch((error) => ({ error: String(error) }));
          (results.typing[key] ??= {})[name] = summary;
          console.log(name, "typing", key, summary);
        }
      }
      const writers = await repeat(config.runs, () => manyWriters(system, PORT, server, config.writers)).catch((error) => ({ error: String(error) }));
      results.writers[name] = writers;
      console.log(name, "many writers", writers);
    }
  } finally {
    await stop(server);
  }
}

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL(`./results/${quick ? "quick" : "full"}.json`, import.meta.url);
if (only) {
  console.log("--only: results printed, files left as they were");
  process.exit(0);
}
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
writeReport(results);
console.log(`results in ${file.pathname} and BENCHMARKS.md`);

function machine() {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, pinned: hasTaskset };
}

function versions() {
  const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
  const of = (name) => lock.packages[`node_modules/${name}`]?.version ?? "?";
  return { wrangler: of("wrangler"), yjs: of("yjs"), ws: of("ws"), "@hocuspocus/server": of("@hocuspocus/server"), "@y/websocket-server": of("@y/websocket-server") };
}
