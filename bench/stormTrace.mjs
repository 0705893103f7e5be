// Why a game join storm is slow in one run and not the next: one run of bench/game.mjs's setting (a
// fresh workerd, 100 players for 10 s, then the 500-player storm), with strace counting the storm's
// fsyncs per file and the time each held workerd's thread, and the CPU of each workerd thread.
// strace attached to a running process stops it at every system call (--seccomp-bpf filters only
// processes it starts), so the traced storm runs 3-4x slower: read its counts and the fsyncs' own
// durations, not its join times.
// Usage: flock /tmp/edgeroom-bench.lock node bench/stormTrace.mjs [--clients=500] [--port=9881] [--wire=binary2]
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { arg } from "./beforeSystem.mjs";
import { gameTick, joinStorm } from "./game.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { treePids } from "./serverState.mjs";
import { SYSTEMS, stop, waitReady } from "./systems.mjs";

const port = Number(arg("port", "9881"));
const clients = Number(arg("clients", "500"));
const wire = arg("wire", "binary2");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
pinLoadGenerator();

/** Pids of the tree under `root` whose command is workerd. */
function workerdPids(root) {
  return treePids(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd";
    } catch {
      return false;
    }
  });
}

/** CPU ticks per thread of `pid`. */
function threadTicks(pid) {
  const ticks = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    } catch {}
  }
  return ticks;
}

const system = SYSTEMS["edgeroom-workerd"];
const server = system.start(port);
try {
  await waitReady(system, server, port);
  await gameTick(system, port, server, { players: 100, seconds: 10, wire });
  await sleep(1_000);
  const [pid] = workerdPids(server.pid);
  const out = `/tmp/stormtrace-${port}.txt`;
  rmSync(out, { force: true });
  const tracer = spawn("strace", ["-f", "--seccomp-bpf", "-qq", "-T", "-ttt", "-y", "-e", "trace=fsync,fdatasync", "-o", out, "-p", String(pid)], { stdio: "ignore" });
  await sleep(500);
  const before = threadTicks(pid);
  const result = await joinStorm(system, port, server, { clients, wire });
  const after = threadTicks(pid);
  tracer.kill("SIGINT");
  await new Promise((resolve) => tracer.once("exit", resolve));
  const lines = readFileSync(out, "utf8").split("\n").filter((l) => /fsync|fdatasync/.test(l) && /<[\d.]+>$/.test(l));
  const byFile = new Map();
  let total = 0;
  let max = 0;
  for (const line of lines) {
    const file = /<([^>]+)>/.exec(line)?.[1]?.replace(/.*\/(v3|do)\//, "") ?? "?";
    const seconds = Number(/<([\d.]+)>$/.exec(line)[1]);
    const entry = byFile.get(file) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += seconds * 1000;
    byFile.set(file, entry);
    total += seconds * 1000;
    max = Math.max(max, seconds * 1000);
  }
  const threads = [...after].map(([tid, t]) => [tid, t - (before.get(tid) ?? 0)]).filter(([, t]) => t > 0).sort((a, b) => b[1] - a[1]);
  console.log(JSON.stringify({ joinAllMs: Math.round(result.joinAllMs), serverCpuSeconds: result.serverCpuSeconds, phasesMs: result.phasesMs, loadAverage1m: result.loadAverage1m }));
  console.log(`fsyncs ${lines.length}, total ${total.toFixed(0)} ms, max ${max.toFixed(1)} ms; workerd thread CPU ticks (10 ms): ${threads.map(([, t]) => t).join(" ")}`);
  for (const [file, { count, ms }] of [...byFile].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${String(count).padStart(4)} ${ms.toFixed(1).padStart(8)} ms  ${file}`);
} finally {
  await stop(server);
}
process.exit(0);
