// `npm run soak`: many clients in many rooms for minutes, mixing documents and games, against
// Edgeroom on one plain workerd process (bench/servers/edgeroom-workerd.mjs: the deploy bundle with
// wrangler.toml's bindings, no dev proxy; wrangler dev does not hold 300 busy clients for long).
// Per minute: workerd's RSS, errors, edits and their delivery latency writer -> every other client,
// game inputs and their input -> ack latency, state gaps. At the end every room must have converged,
// a fresh reader must find every edit stored, and nothing may be lost, errored or have grown memory
// past RSS_GROWTH_LIMIT; a run with no edits, deliveries, inputs or acks, or whose RSS could not be
// read, measured nothing. Otherwise it exits 1. Writes bench/results/soak.json (or --out).
//
// node bench/soak.mjs [--minutes=10] [--clients=300] [--rooms=30] [--seed=N] [--port=8794] [--out=path]
import { rmSync, writeFileSync } from "node:fs";
import { Ledger, RoomEdits, SoakPlayer, openDoc, seededRandom, startTyping } from "./soakClients.mjs";
import { gameToken } from "./gamePlayers.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { treeRssByProcess } from "./serverState.mjs";
import { percentile } from "./stats.mjs";
import { SYSTEMS, stop, waitReady } from "./systems.mjs";

/** One room in five is a game room of PLAYERS_PER_GAME arena players; the rest are documents. */
const GAME_ROOM_SHARE = 0.2;
const PLAYERS_PER_GAME = 5;
/** Editors per document room; its other clients observe. */
const EDITORS_PER_DOC = 3;
/** Memory stays flat: workerd's RSS in the last minute at most 25% above its peak in the first loaded minute. */
const RSS_GROWTH_LIMIT = 1.25;
const RSS_EVERY_MS = 5_000;
/** After the typing stops, how long deliveries and acks may take to drain before the rest counts as lost. */
const DRAIN_TIMEOUT_MS = 30_000;
const SYNC_TIMEOUT_MS = 60_000;
const MiB = 2 ** 20;

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

async function docToken(port, sub, role) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/dev/token`, { method: "POST", body: JSON.stringify({ sub, room: "doc/*", role }) });
  if (!response.ok) throw new Error(`dev token: HTTP ${response.status}`);
  return (await response.json()).token;
}

/** workerd's resident memory: the process serving the rooms, not the Node parent that started it. */
function workerdRssBytes(server) {
  let total = 0;
  for (const { name, rss } of treeRssByProcess(server.pid).values()) if (name.includes("workerd")) total += rss;
  return total;
}

function summarize(minute) {
  const rss = minute.rssMiB;
  return {
    minute: minute.minute,
    rssFirstMiB: rss[0] ?? null,
    rssLastMiB: rss.at(-1) ?? null,
    rssMaxMiB: rss.length ? Math.max(...rss) : null,
    edits: minute.edits,
    deliveries: minute.deliveries,
    editP50Ms: percentile(minute.editLatencyMs, 50),
    editP99Ms: percentile(minute.editLatencyMs, 99),
    inputs: minute.inputs,
    acks: minute.acks,
    ackP50Ms: percentile(minute.ackLatencyMs, 50),
    ackP99Ms: percentile(minute.ackLatencyMs, 99),
    states: minute.states,
    gaps: minute.gaps,
    errors: minute.errors,
  };
}

async function main() {
  const minutes = Number(arg("minutes", "10"));
  const clients = Number(arg("clients", "300"));
  const rooms = Number(arg("rooms", "30"));
  const seed = Number(arg("seed", String(Date.now() % 2 ** 31)));
  const port = Number(arg("port", "8794"));
  const out = arg("out", "bench/results/soak.json");
  const gameRooms = Math.max(1, Math.round(rooms * GAME_ROOM_SHARE));
  const docRooms = rooms - gameRooms;
  const players = gameRooms * PLAYERS_PER_GAME;
  if (!(minutes > 0 && docRooms >= 1 && clients - players >= docRooms * 2)) throw new Error("need minutes > 0 and at least two document clients per document room");
  console.log(`soak: ${clients} clients (${players} players in ${gameRooms} arena rooms, ${clients - players} in ${docRooms} document rooms), ${minutes} min, seed ${seed}, edgeroom-workerd on ${port}`);

  const random = seededRandom(seed);
  const sdk = await import("../client-sdk/index.ts");
  const system = SYSTEMS["edgeroom-workerd"];
  const server = system.start(port);
  const ledger = new Ledger();
  const typists = [];
  const gamers = [];
  const docs = [];
  const roomEdits = Array.from({ length: docRooms }, () => new RoomEdits());
  let isRunning = true;
  let rssTimer = null;
  let outcome;
  try {
    await waitReady(system, server, port);
    const baseUrl = `http://127.0.0.1:${port}`;
    const run = seed.toString(36);
    const docRoom = (r) => `soak-${run}-d${r}`;

    // Document clients round-robin over the rooms; each room's first EDITORS_PER_DOC type.
    const docClients = Array.from({ length: clients - players }, (_, i) => ({ room: i % docRooms, isEditor: Math.floor(i / docRooms) < EDITORS_PER_DOC }));
    for (const [i, c] of docClients.entries()) {
      const provider = openDoc(sdk, baseUrl, await docToken(port, `soak-${i}`, c.isEditor ? "editor" : "viewer"), docRoom(c.room), ledger);
      roomEdits[c.room].providers.push(provider);
      roomEdits[c.room].watch(provider, ledger);
      docs.push({ ...c, provider });
    }
    for (let i = 0; i < players; i++) {
      const token = await gameToken(port, `soak-player-${i}`);
      gamers.push(new SoakPlayer(`ws://127.0.0.1:${port}/v1/game/arena/soak-${run}-g${i % gameRooms}?token=${token}`, random, ledger));
    }
    const joined = await Promise.race([
      Promise.all([...docs.map((d) => d.provider.whenStatus("saved")), ...gamers.map((g) => g.player.first)]).then(() => true),
      sleep(SYNC_TIMEOUT_MS).then(() => false),
    ]);
    if (!joined) {
      const statuses = {};
      for (const d of docs) statuses[`${d.isEditor ? "editor" : "viewer"} ${d.provider.status}`] = (statuses[`${d.isEditor ? "editor" : "viewer"} ${d.provider.status}`] ?? 0) + 1;
      throw new Error(`clients did not all join within ${SYNC_TIMEOUT_MS} ms: ${JSON.stringify(statuses)}, ${JSON.stringify(ledger.firstErrors.slice(0, 3))}`);
    }
    console.log(`all ${clients} clients joined; running ${minutes} min`);

    const sampleRss = () => (ledger.minute.rssMiB.push(workerdRssBytes(server) / MiB), gamers.forEach((g) => g.checkHealth()));
    sampleRss();
    rssTimer = setInterval(sampleRss, RSS_EVERY_MS);
    for (const d of docs) if (d.isEditor) typists.push(startTyping(d.provider, roomEdits[d.room], random, ledger, () => isRunning));
    for (const g of gamers) g.start();
    let reported = 0;
    const runEnds = performance.now() + minutes * 60_000;
    while (performance.now() < runEnds) {
      await sleep(1_000);
      // Print each minute as it completes.
      while (reported < ledger.minutes.length - 1) console.log(JSON.stringify(summarize(ledger.minutes[reported++])));
    }
    isRunning = false;
    for (const stopTyping of typists) stopTyping();
    for (const g of gamers) g.stop();

    // Drain: every keystroke to every other client, every input acknowledged.
    const drained = await eventually(() => roomEdits.every((r) => r.undelivered === 0) && gamers.every((g) => g.pending.length === 0), DRAIN_TIMEOUT_MS);
    clearInterval(rssTimer);
    sampleRss();
    const lostDeliveries = roomEdits.reduce((n, r) => n + r.undelivered, 0);
    const unackedInputs = gamers.reduce((n, g) => n + g.pending.length, 0);

    // Every copy of a room the same, and a fresh reader finds the same text in storage.
    await eventually(() => docs.every((d) => d.provider.status === "saved" || !d.isEditor), DRAIN_TIMEOUT_MS);
    let divergedRooms = 0;
    for (const [r, edits] of roomEdits.entries()) {
      const texts = new Set(edits.providers.map((p) => p.doc.getText("t").toString()));
      const reader = openDoc(sdk, baseUrl, await docToken(port, `soak-reader-${r}`, "viewer"), docRoom(r), ledger);
      const isSynced = await Promise.race([reader.whenStatus("saved").then(() => true), sleep(SYNC_TIMEOUT_MS).then(() => false)]);
      if (!isSynced || texts.size !== 1 || !texts.has(reader.doc.getText("t").toString())) divergedRooms += 1;
      reader.destroy();
    }
    for (const g of gamers) g.checkHealth();

    const perMinute = ledger.minutes.map(summarize);
    // An unreadable RSS reads as 0: a growth computed from it is NaN or Infinity, and says nothing.
    const rssReadings = ledger.minutes.flatMap((m) => m.rssMiB);
    const isRssRead = rssReadings.length > 0 && rssReadings.every((mib) => Number.isFinite(mib) && mib > 0);
    const loaded = perMinute.filter((m) => m.rssMaxMiB !== null);
    const baseline = loaded.length > 2 ? loaded[1] : loaded[0];
    const rssGrowth = isRssRead ? loaded.at(-1).rssMaxMiB / baseline.rssMaxMiB : null;
    const totals = {
      edits: perMinute.reduce((n, m) => n + m.edits, 0),
      deliveries: perMinute.reduce((n, m) => n + m.deliveries, 0),
      inputs: perMinute.reduce((n, m) => n + m.inputs, 0),
      acks: perMinute.reduce((n, m) => n + m.acks, 0),
      states: perMinute.reduce((n, m) => n + m.states, 0),
      gaps: perMinute.reduce((n, m) => n + m.gaps, 0),
      errors: perMinute.reduce((n, m) => n + m.errors, 0),
      lostDeliveries,
      unackedInputs,
      divergedRooms,
      drained,
    };
    const failures = [];
    // A run that typed, delivered or acknowledged nothing lost nothing only because it tested nothing.
    if (totals.edits === 0 || totals.deliveries === 0) failures.push(`documents did no work: ${totals.edits} edits, ${totals.deliveries} deliveries`);
    if (totals.inputs === 0 || totals.acks === 0) failures.push(`games did no work: ${totals.inputs} inputs, ${totals.acks} acks`);
    if (!isRssRead) failures.push(`workerd RSS could not be read (${rssReadings.length} readings: ${rssReadings.slice(0, 5).join(", ")}), so memory growth is unknown`);
    if (lostDeliveries > 0 || unackedInputs > 0) failures.push(`lost: ${lostDeliveries} keystroke deliveries, ${unackedInputs} unacknowledged inputs`);
    if (divergedRooms > 0) failures.push(`${divergedRooms} document rooms did not converge to one stored text`);
    if (totals.errors > 0) failures.push(`${totals.errors} errors (first: ${JSON.stringify(ledger.firstErrors[0])})`);
    if (isRssRead && rssGrowth > RSS_GROWTH_LIMIT) failures.push(`workerd RSS grew ${rssGrowth.toFixed(2)}x (limit ${RSS_GROWTH_LIMIT}x)`);
    outcome = {
      system: "edgeroom-workerd",
      seed,
      minutes,
      clients,
      rooms: { documents: docRooms, games: gameRooms, playersPerGame: PLAYERS_PER_GAME, editorsPerDocument: EDITORS_PER_DOC },
      rssGrowth,
      rssGrowthLimit: RSS_GROWTH_LIMIT,
      totals,
      perMinute,
      firstErrors: ledger.firstErrors,
      failures,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    isRunning = false;
    clearInterval(rssTimer);
    for (const stopTyping of typists) stopTyping();
    for (const g of gamers) (g.stop(), g.player.close());
    for (const d of docs) d.provider.destroy();
    await stop(server);
    if (server.persistTo?.includes("edgeroom-bench-")) rmSync(server.persistTo, { recursive: true, force: true });
  }

  writeFileSync(out, JSON.stringify(outcome, null, 2) + "\n");
  console.log("\nminute  rss first/last/max MiB  edits  deliveries  edit p50/p99 ms  inputs  acks  ack p50/p99 ms  gaps  errors");
  const f = (x, d = 1) => (x === null ? "-" : x.toFixed(d));
  for (const m of outcome.perMinute) {
    console.log(
      `${String(m.minute).padStart(6)}  ${f(m.rssFirstMiB)}/${f(m.rssLastMiB)}/${f(m.rssMaxMiB)}`.padEnd(32) +
        `${String(m.edits).padStart(6)}  ${String(m.deliveries).padStart(10)}  ${f(m.editP50Ms)}/${f(m.editP99Ms)}`.padEnd(34) +
        `${String(m.inputs).padStart(6)}  ${String(m.acks).padStart(5)}  ${f(m.ackP50Ms)}/${f(m.ackP99Ms)}`.padEnd(30) +
        `${String(m.gaps).padStart(4)}  ${String(m.errors).padStart(6)}`,
    );
  }
  console.log(`\nseed ${outcome.seed}; totals ${JSON.stringify(outcome.totals)}; RSS growth ${outcome.rssGrowth === null ? "unknown" : `${outcome.rssGrowth.toFixed(2)}x`}; written to ${out}`);
  if (outcome.failures.length > 0) {
    console.log(`FAILED:\n- ${outcome.failures.join("\n- ")}`);
    process.exit(1);
  }
  console.log("soak passed: nothing lost, no errors, memory flat");
  process.exit(0);
}

pinLoadGenerator();
await main();
