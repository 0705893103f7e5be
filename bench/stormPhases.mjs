// Where a connection storm's time goes, per system: when each of `clients` sockets opened (its
// upgrade answered) and when it was synced (the server's sync step 2 arrived), as percentiles
// from the start, and the server's CPU time (its process tree, /proc, 10 ms ticks) from the start
// to the last sync: steadier than the times on a shared machine, since it leaves out waiting. Opens that finish early and syncs that trail say the room's message handling
// is the limit; opens spread over the whole storm say the upgrade path (edge and room connect) is.
// Usage: flock /tmp/edgeroom-bench.lock node bench/stormPhases.mjs [--system=edgeroom-workerd,y-partyserver] [--clients=500] [--runs=3]
// [--before=<dir>]: adds `edgeroom-before`, Edgeroom on workerd from another checkout (with node_modules
// and demo/dist), so a change and its base are measured in the same alternating runs.
import { pinLoadGenerator } from "./pinning.mjs";
import { Peer, devToken } from "./client.mjs";
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { alternateRuns, withSystemsSideBySide } from "./systems.mjs";
import { median, percentile } from "./stats.mjs";
import { treeCpuSeconds } from "./cpu.mjs";

const systems = await sideBySideSystems("y-partyserver");
const clients = Number(arg("clients", "500"));
const runs = Number(arg("runs", "3"));
pinLoadGenerator();

async function stormOnce(system, port, token, server) {
  const cpu0 = treeCpuSeconds(server.pid);
  const room = `phases-${Math.random().toString(36).slice(2, 8)}`;
  const url = system.url(port, room) + (token ? `?token=${token}` : "");
  const started = performance.now();
  const opens = [];
  const peers = Array.from({ length: clients }, () => {
    const peer = new Peer(url, system.protocol, room);
    peer.opened.then(() => opens.push(performance.now() - started));
    return peer;
  });
  const syncs = await Promise.all(peers.map((p) => p.synced().then(() => performance.now() - started)));
  const cpu = treeCpuSeconds(server.pid) - cpu0;
  for (const peer of peers) peer.close();
  await new Promise((r) => setTimeout(r, 1000));
  const at = (values) => [10, 50, 90, 100].map((p) => Math.round(p === 100 ? Math.max(...values) : percentile(values, p)));
  return { open: at(opens), synced: at(syncs), cpu };
}

// Every system is started first and the storms alternate between them, run by run: the machine's
// load drifts, and a ratio of storms minutes apart measures the drift as much as the systems.
await withSystemsSideBySide(systems, async (started) => {
  for (const entry of started) entry.token = entry.system.needsToken ? await devToken(entry.port) : null;
  await alternateRuns(started, runs, (entry) => stormOnce(entry.system, entry.port, entry.token, entry.server));
  for (const { name, results } of started) {
    const med = (pick) => [0, 1, 2, 3].map((k) => median(results.map((r) => pick(r)[k])));
    console.log(name, "ms from start at p10/p50/p90/max: opened", med((r) => r.open).join("/"), "synced", med((r) => r.synced).join("/"), "| all synced per run", results.map((r) => r.synced[3]).join(", "), "| server CPU ms to all synced", results.map((r) => Math.round(r.cpu * 1000)).join(", "), "median", Math.round(median(results.map((r) => r.cpu)) * 1000));
  }
  const last = started.at(-1);
  for (const entry of started.slice(0, -1)) {
    const ratios = entry.results.map((r, i) => r.synced[3] / last.results[i].synced[3]);
    console.log(`all synced, ${entry.name} / ${last.name} per run:`, ratios.map((x) => x.toFixed(2)).join(", "), "median", median(ratios).toFixed(2));
    const cpuRatios = entry.results.map((r, i) => r.cpu / last.results[i].cpu);
    console.log(`server CPU to all synced, ${entry.name} / ${last.name} per run:`, cpuRatios.map((x) => x.toFixed(2)).join(", "), "median", median(cpuRatios).toFixed(2));
  }
});
