// Edgeroom beside its same-platform floors (issue 17): a Durable Object that only relays bytes
// (`do-relay`) and stock y-partyserver, each in one workerd process like `edgeroom-workerd`.
// Used by BENCHMARKS.md (report.mjs) and by `npm run bench -- --floors` (bench/results/floors.md).
import { mkdirSync, writeFileSync } from "node:fs";
import { barChart } from "./report.mjs";

/** The Edgeroom variant on the floors' footing: one workerd process, the deploy bundle, no proxy. */
const EDGEROOM = "edgeroom-workerd";
const RELAY = "do-relay";
const YPS = "y-partyserver";

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const fmt = (v, digits) => (num(v) === null ? "-" : v.toFixed(digits));
const times = (a, b) => (num(a) !== null && num(b) !== null && b > 0 ? `${(a / b).toFixed(2)}x` : "-");

/** [label, field, digits, source] rows: `source(results)` gives `{ system: record }`. */
function summaryRows(results) {
  const rows = [];
  for (const n of Object.keys(results.fanOut ?? {})) {
    const at = (r) => r.fanOut?.[n];
    rows.push([`fan-out N=${n}, last-receiver p99 ms`, at, "lastReceiverP99Ms", 1]);
    rows.push([`fan-out N=${n}, last-receiver p99 over every round's messages ms`, at, "pooledLastReceiverP99Ms", 1]);
    rows.push([`fan-out N=${n}, p50 ms`, at, "p50Ms", 2]);
    rows.push([`fan-out N=${n}, server CPU us per delivery`, at, "cpuMicrosPerDelivery", 1]);
  }
  for (const key of Object.keys(results.typing ?? {})) {
    const at = (r) => r.typing?.[key];
    rows.push([`typing ${key}, p50 ms`, at, "p50Ms", 2]);
    rows.push([`typing ${key}, p99 ms`, at, "p99Ms", 2]);
  }
  if (results.connectionStorm) rows.push([`${results.connectionStorm[EDGEROOM]?.clients ?? 500} clients connect at once, all synced ms`, (r) => r.connectionStorm, "allSyncedMs", 0]);
  if (results.burst?.[EDGEROOM] || results.burst?.[YPS]) {
    rows.push(["burst replay, converge ms", (r) => r.burst, "convergeMs", 0]);
    rows.push(["fresh sync of the replayed document ms", (r) => r.burst, "freshSyncMs", 1]);
  }
  return rows;
}

/** ", rounds' median Nx": the median of a figure's per-round ratios to its floor, when the run alternated rounds. */
const roundRatio = (record, field) => (num(record?.[`${field}RoundRatio`]) === null ? "" : `; median of rounds' ratios ${record[`${field}RoundRatio`].toFixed(2)}x`);

/** The issue's targets, as ratios to the floors in this run. */
function targetRows(results) {
  const rows = [];
  const row = (target, measured, met) => rows.push(`| ${target} | ${measured} | ${met === null ? "n/a" : met ? "met" : "missed"} |`);
  const ok = (...vs) => vs.every((v) => num(v) !== null);
  for (const n of ["100", "500"]) {
    const e = results.fanOut?.[n]?.[EDGEROOM];
    const f = results.fanOut?.[n]?.[RELAY];
    if (!e || !f) continue;
    row(`Fan-out N=${n}: last-receiver p99 <= 1.3x DO relay (median of each round's, the round's largest of ${results.config.messages})`, `${times(e.lastReceiverP99Ms, f.lastReceiverP99Ms)} (${fmt(e.lastReceiverP99Ms, 1)} vs ${fmt(f.lastReceiverP99Ms, 1)} ms)${roundRatio(e, "lastReceiverP99Ms")}`, ok(e.lastReceiverP99Ms, f.lastReceiverP99Ms) ? e.lastReceiverP99Ms <= 1.3 * f.lastReceiverP99Ms : null);
    if (ok(e.pooledLastReceiverP99Ms, f.pooledLastReceiverP99Ms)) {
      row(`Fan-out N=${n}: last-receiver p99 over every round's messages <= 1.3x DO relay`, `${times(e.pooledLastReceiverP99Ms, f.pooledLastReceiverP99Ms)} (${fmt(e.pooledLastReceiverP99Ms, 1)} vs ${fmt(f.pooledLastReceiverP99Ms, 1)} ms)`, e.pooledLastReceiverP99Ms <= 1.3 * f.pooledLastReceiverP99Ms);
    }
    row(`Fan-out N=${n}: server CPU per delivery <= 1.2x DO relay`, `${times(e.cpuMicrosPerDelivery, f.cpuMicrosPerDelivery)} (${fmt(e.cpuMicrosPerDelivery, 1)} vs ${fmt(f.cpuMicrosPerDelivery, 1)} us)${roundRatio(e, "cpuMicrosPerDelivery")}`, ok(e.cpuMicrosPerDelivery, f.cpuMicrosPerDelivery) ? e.cpuMicrosPerDelivery <= 1.2 * f.cpuMicrosPerDelivery : null);
  }
  for (const [key, systems] of Object.entries(results.typing ?? {})) {
    const e = systems[EDGEROOM];
    const y = systems[YPS];
    if (!e || !y || !/^(50|500)\/s/.test(key)) continue;
    row(`Typing ${key}: p50 within 1 ms of y-partyserver`, `${fmt(e.p50Ms, 2)} vs ${fmt(y.p50Ms, 2)} ms`, ok(e.p50Ms, y.p50Ms) ? e.p50Ms <= y.p50Ms + 1 : null);
    row(`Typing ${key}: p99 at most y-partyserver's`, `${times(e.p99Ms, y.p99Ms)} (${fmt(e.p99Ms, 2)} vs ${fmt(y.p99Ms, 2)} ms)${roundRatio(e, "p99Ms")}`, ok(e.p99Ms, y.p99Ms) ? e.p99Ms <= y.p99Ms : null);
  }
  const se = results.connectionStorm?.[EDGEROOM];
  const sy = results.connectionStorm?.[YPS];
  if (se && sy) row(`${se.clients} clients at once: all synced no later than y-partyserver`, `${times(se.allSyncedMs, sy.allSyncedMs)} (${fmt(se.allSyncedMs, 0)} vs ${fmt(sy.allSyncedMs, 0)} ms)${roundRatio(se, "allSyncedMs")}`, ok(se.allSyncedMs, sy.allSyncedMs) ? se.allSyncedMs <= sy.allSyncedMs : null);
  const be = results.burst?.[EDGEROOM];
  const floor = results.burst?.floor;
  if (be && floor) row("Fresh sync: at most 1.2x the no-network floor", `${times(be.freshSyncMs, floor.freshSyncMs)} (${fmt(be.freshSyncMs, 1)} vs ${fmt(floor.freshSyncMs, 1)} ms; y-partyserver ${fmt(results.burst?.[YPS]?.freshSyncMs, 1)} ms)${roundRatio(be, "freshSyncMs")}`, ok(be.freshSyncMs, floor.freshSyncMs) ? be.freshSyncMs <= 1.2 * floor.freshSyncMs : null);
  return rows;
}

/** The floors section: every Edgeroom figure beside its same-platform floor, then the targets. Empty without floors in the run. */
export function floorsSection(results) {
  const runs = [results.fanOut, results.typing, results.connectionStorm, results.burst].some((s) => Object.values(s ?? {}).some((v) => v?.[RELAY] || v?.[YPS]) || s?.[RELAY] || s?.[YPS]);
  if (!runs) return [];
  const lines = [
    "## Same-platform floors",
    "",
    `Each in one workerd process run by Miniflare with Edgeroom's compatibility date and flags, like \`${EDGEROOM}\`: \`${RELAY}\` is a Durable Object that relays every frame unread to the room's other sockets (hibernation API, no parsing, no storage; bench/servers/floors/do-relay.js), the platform's floor; \`${YPS}\` is stock y-partyserver's YServer in a Durable Object with its defaults and no onLoad/onSave, so no durability (bench/servers/floors/y-partyserver.js). Its default is partyserver's \`hibernate: false\`: sockets accepted in memory, broadcast from a Map, where the relay and Edgeroom (\`hibernate: true\`) ask \`ctx.getWebSockets()\` for every broadcast, so y-partyserver can come in under the relay. The relay carries the same Yjs update frames the Yjs systems get; it has no document, so typing, burst and fresh sync do not apply to it ("-"). Edgeroom runs with durability on. Medians of ${results.config.runs} runs in this run${results.config.alternated ? ", the systems started side by side and each scenario's rounds taken in turn, so a round of one system has a round of its floor beside it" : ""}.`,
    "",
    `| scenario | DO relay | y-partyserver | Edgeroom (${EDGEROOM}) | Edgeroom / DO relay | Edgeroom / y-partyserver |`,
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const [label, at, field, digits] of summaryRows(results)) {
    const systems = at(results) ?? {};
    const [f, y, e] = [RELAY, YPS, EDGEROOM].map((name) => systems[name]?.[field]);
    lines.push(`| ${label} | ${fmt(f, digits)} | ${fmt(y, digits)} | ${fmt(e, digits)} | ${times(e, f)} | ${times(e, y)} |`);
  }
  const targets = targetRows(results);
  if (targets.length) lines.push("", "### Issue 17 targets against the floors", "", "| target | measured | |", "| --- | --- | --- |", ...targets);
  return lines;
}

/** `npm run bench -- --floors`: bench/results/floors.md and its charts in bench/results/floors/, leaving BENCHMARKS.md alone. */
export function writeFloorsReport(results) {
  const dir = new URL("./results/floors/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const chart = (file, title, unit, systems, field) => writeFileSync(new URL(file, dir), barChart(title, unit, Object.entries(systems ?? {}).map(([label, r]) => ({ label, value: num(r?.[field]) }))));
  for (const [n, systems] of Object.entries(results.fanOut ?? {})) {
    chart(`fanout-${n}.svg`, `Fan-out to ${n}: last receiver p99`, "ms", systems, "lastReceiverP99Ms");
    chart(`fanout-${n}-cpu.svg`, `Fan-out to ${n}: server CPU per delivery`, "us", systems, "cpuMicrosPerDelivery");
  }
  for (const [key, systems] of Object.entries(results.typing ?? {})) chart(`typing-${key.replace(/[^0-9a-z]+/gi, "-").replace(/-$/, "")}.svg`, `Typing ${key}: p99`, "ms", systems, "p99Ms");
  if (results.connectionStorm) chart("connection-storm.svg", "Clients connecting at once: all synced", "ms", results.connectionStorm, "allSyncedMs");
  const lines = [
    "# Edgeroom beside its same-platform floors",
    "",
    `Generated by \`npm run bench -- --floors\` on ${results.startedAt}: ${results.config.systems.join(", ")} in one run, started side by side, medians of ${results.config.runs} runs after one warm-up per system and scenario, each scenario's rounds alternated between the systems. Machine: ${results.machine.cpus} x ${results.machine.model}; servers pinned to CPU 0, load generator to CPU 1: ${results.machine.pinned ? "yes" : "no"}. The machine is shared: ratios within this run carry over, absolute numbers less so. Raw numbers: bench/results/floors.json; charts: bench/results/floors/*.svg.`,
    "",
    ...floorsSection(results),
    "",
  ];
  writeFileSync(new URL("./results/floors.md", import.meta.url), lines.join("\n"));
}
