// Scenarios about many connections and many rooms: a connection storm, memory per idle
// connection, the cost of 1,000 idle rooms, and Edgeroom's cold load after its room was evicted.
// Each scenario takes a started system and returns plain numbers, like scenarios.mjs.
// Standalone: `node bench/storm.mjs --system=edgeroom,hocuspocus --only=connectionStorm [--quick] [--rooms=N]`.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pinLoadGenerator } from "./pinning.mjs";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { YjsMessageType } from "../protocol/yjsMessages.ts";
import { Peer, devToken } from "./client.mjs";
import { treeCpuSeconds, treeRssBytes } from "./cpu.mjs";
import { loadTrace } from "./scenarios.mjs";
import { directoryBytes, docRoomDir, docRoomDirs, docRoomFiles, growthByProcess, persistDirOf, treeRssByProcess } from "./serverState.mjs";
import { median, percentile } from "./stats.mjs";

/** How long one client may take to connect and sync before it counts as failed, in ms. */
const SYNC_TIMEOUT_MS = 30_000;
/** How long an edit may take to come back in a sync reply before it counts as lost, in ms. */
const ACK_TIMEOUT_MS = 10_000;
/** The longest wait for an idle Durable Object to be evicted (workerd: ~10 s after its last event), in ms. */
const EVICT_TIMEOUT_MS = 60_000;
/** Connections opened at once when a scenario is not about the storm itself. */
const BATCH = 50;
const SYNC = YjsMessageType.SYNC;
const MiB = 2 ** 20;
/** How often hibernatedRooms counts the rooms in memory while they are created and settle, in ms. */
const LOADED_SAMPLE_MS = 500;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const unique = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

const tokens = new Map();
/** One dev token per server, reused: it covers `doc/*`, and fetching 500 would measure the token route. */
async function urlFor(system, port, room) {
  const url = system.url(port, room);
  if (!system.needsToken) return url;
  if (!tokens.has(port)) tokens.set(port, await devToken(port));
  return `${url}?token=${tokens.get(port)}`;
}

/** Resolves to `{ ok, at, error }`: never rejects, never waits past `deadline` (a performance.now() time). */
export function settle(promise, deadline) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: "timed out" }), Math.max(0, deadline - performance.now()));
    promise.then(
      () => (clearTimeout(timer), resolve({ ok: true, at: performance.now() })),
      (error) => (clearTimeout(timer), resolve({ ok: false, error: error.message })),
    );
  });
}

/** Opens `count` peers to one room, `batch` at a time; returns the synced ones and how many failed. */
async function openInBatches(system, port, room, count, batch = BATCH) {
  const url = await urlFor(system, port, room);
  const peers = [];
  let failed = 0;
  for (let start = 0; start < count; start += batch) {
    const opened = Array.from({ length: Math.min(batch, count - start) }, () => new Peer(url, system.protocol, room));
    const outcomes = await Promise.all(opened.map((p) => settle(p.synced(), performance.now() + SYNC_TIMEOUT_MS)));
    outcomes.forEach((o, i) => (o.ok ? peers.push(opened[i]) : (failed++, opened[i].close())));
  }
  return { peers, failed };
}

/** A y-protocols sync frame in the system's framing (Hocuspocus prefixes the document name). */
function syncFrame(system, room, write) {
  const encoder = encoding.createEncoder();
  if (system.protocol === "hocuspocus") encoding.writeVarString(encoder, room);
  encoding.writeVarUint(encoder, SYNC);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * Sends `update` (made outside the peer's doc) and then a sync step 1 with the peer's state
 * vector. The server answers step 1 after it applied the update, and its step 2 carries the
 * update back into the peer's doc: an acknowledgement every Yjs server gives, without a
 * second client. Resolves when `isApplied(peer.doc)` holds.
 */
export function sendAndAwait(system, room, peer, update, isApplied) {
  const applied = new Promise((resolve) => {
    const check = () => isApplied(peer.doc) && (peer.doc.off("update", check), resolve());
    peer.doc.on("update", check);
    check();
  });
  peer.sendRaw(syncFrame(system, room, (e) => syncProtocol.writeUpdate(e, update)));
  peer.sendRaw(syncFrame(system, room, (e) => syncProtocol.writeSyncStep1(e, peer.doc)));
  return settle(applied, performance.now() + ACK_TIMEOUT_MS);
}

/** Runs `task(i)` for i < count with at most `limit` running at once. */
async function pool(count, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

// ---- 1. connection storm ----

/**
 * `clients` sockets to one document room, all opened in the same tick: the time until every
 * one is synced, and how many failed or took longer than SYNC_TIMEOUT_MS.
 */
export async function connectionStorm(system, port, server, { clients = 500 } = {}) {
  const room = unique("storm");
  const url = await urlFor(system, port, room);
  const cpuBefore = treeCpuSeconds(server.pid);
  const started = performance.now();
  const peers = [];
  for (let i = 0; i < clients; i++) peers.push(new Peer(url, system.protocol, room));
  const outcomes = await Promise.all(peers.map((p) => settle(p.synced(), started + SYNC_TIMEOUT_MS)));
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const times = outcomes.filter((o) => o.ok).map((o) => o.at - started);
  const failures = outcomes.filter((o) => !o.ok);
  if (failures.length > 0) console.warn(`connectionStorm: ${failures.length} failed, first: ${failures[0].error}`);
  for (const peer of peers) peer.close();
  await sleep(1000); // let the server process the closes before the next scenario
  return {
    clients,
    allSyncedMs: failures.length === 0 ? Math.max(...times) : null,
    p50SyncMs: percentile(times, 50),
    p99SyncMs: percentile(times, 99),
    failed: failures.length,
    serverCpuSeconds: cpuSeconds,
  };
}

// ---- 2. memory per idle connection ----

/**
 * Server RSS (whole process tree) before and after `clients` idle synced clients join one
 * room, after `settleMs` each; the room exists before the first reading (one client), so
 * the difference is the connections'. With `hibernateMs`, a third reading after that long
 * idle: for Edgeroom, the room has hibernated by then (about 10 s without events).
 */
export async function idleMemory(system, port, server, { clients = 500, settleMs = 2000, hibernateMs = 0, verbose = false } = {}) {
  const room = unique("idle");
  const first = await openInBatches(system, port, room, 1);
  await sleep(settleMs);
  const before = treeRssBytes(server.pid);
  const beforeByProcess = treeRssByProcess(server.pid);
  const { peers, failed } = await openInBatches(system, port, room, clients);
  await sleep(settleMs);
  const after = treeRssBytes(server.pid);
  if (verbose) console.log("idleMemory growth by process, KiB per connection:", growthByProcess(beforeByProcess, treeRssByProcess(server.pid), peers.length || 1));
  let later = null;
  if (hibernateMs > 0) {
    await sleep(hibernateMs);
    later = treeRssBytes(server.pid);
  }
  for (const peer of [...first.peers, ...peers]) peer.close();
  await sleep(settleMs);
  const afterClose = treeRssBytes(server.pid);
  const perConnection = (bytes) => (peers.length ? (bytes - before) / 1024 / peers.length : null);
  return {
    clients,
    failed: failed + first.failed,
    rssBeforeMiB: before / MiB,
    rssAfterMiB: after / MiB,
    kibPerConnection: perConnection(after),
    kibPerConnectionAfterIdle: later === null ? null : perConnection(later),
    rssAfterCloseMiB: afterClose / MiB,
  };
}

// ---- 3. many idle rooms ----

/**
 * `rooms` rooms, each visited once: a client connects, makes one small edit, waits until the
 * server has it, and leaves (`concurrency` at a time). After `settleMs` with no traffic:
 * server RSS growth per room and server CPU over an `idleWindowMs` window, beside the same
 * window's CPU before any room existed. For Edgeroom also how many of the rooms are still
 * loaded (their SQLite `-wal` files) and the on-disk bytes per room. Finally `sample` rooms are
 * visited again to see whether their edit was kept (a server that unloads an empty room
 * without a store loses it). RSS is a high-water mark: memory freed when a room unloads is
 * kept by the allocator, so growth per idle room is an upper bound on what the room keeps.
 */
export async function hibernatedRooms(system, port, server, { rooms = 1000, concurrency = 50, settleMs = 20_000, idleWindowMs = 10_000, sample = 20, verbose = false } = {}) {
  const prefix = unique("hib");
  const isYjs = system.protocol !== "raw";
  const marker = (i) => `room ${i};`;

  const visit = async (room, i) => {
    const { peers, failed } = await openInBatches(system, port, room, 1);
    if (failed) return false;
    const [peer] = peers;
    let ok = true;
    if (isYjs) {
      const editor = new Y.Doc();
      editor.getText("t").insert(0, marker(i));
      ok = (await sendAndAwait(system, room, peer, Y.encodeStateAsUpdate(editor), (doc) => doc.getText("t").toString().includes(marker(i)))).ok;
    } else peer.sendRaw(new Uint8Array(32).fill(i % 256));
    peer.close();
    return ok;
  };

  // One room first, so code paths and caches are warm before the baseline; then the idle
  // server's own CPU over the same window (wrangler dev polls, for one), to compare with.
  await visit(`${prefix}-warmup`, -1);
  const roomDir = system.needsToken ? docRoomDir(server) : null; // while the warm-up room is loaded
  await sleep(2000);
  const cpuBaselineStart = treeCpuSeconds(server.pid);
  await sleep(idleWindowMs);
  const baselineCpuSeconds = treeCpuSeconds(server.pid) - cpuBaselineStart;
  const before = treeRssBytes(server.pid);
  const beforeByProcess = treeRssByProcess(server.pid);
  const persistDir = persistDirOf(server);
  const filesBefore = roomDir ? docRoomFiles(roomDir) : null;
  const persistBytesBefore = persistDir ? directoryBytes(persistDir) : null;

  // Edgeroom: the most rooms loaded at once (their `-wal` files) and the highest RSS. RSS is a high-water
  // mark, so the growth per idle room is about the rooms that were in memory together, which is the
  // creation rate times how long a room stays loaded after its client left: a faster run (a quieter
  // machine) loads more rooms at once and reads higher per room. Growth per loaded room is not.
  const loaded = { most: 0, rssMost: 0 };
  const countLoaded = () => {
    if (!roomDir) return;
    const count = [...docRoomFiles(roomDir).keys()].filter((name) => name.endsWith("-wal") && !filesBefore.has(name)).length;
    Object.assign(loaded, { most: Math.max(loaded.most, count), rssMost: Math.max(loaded.rssMost, treeRssBytes(server.pid)) });
  };
  const loadedSampler = roomDir ? setInterval(countLoaded, LOADED_SAMPLE_MS) : null;

  const cpuBefore = treeCpuSeconds(server.pid);
  const started = performance.now();
  let failed = 0;
  await pool(rooms, concurrency, async (i) => {
    if (!(await visit(`${prefix}-${i}`, i))) failed++;
  });
  const createMs = performance.now() - started;
  const createCpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const peak = treeRssBytes(server.pid);

  await sleep(settleMs);
  clearInterval(loadedSampler);
  const idle = treeRssBytes(server.pid);
  if (verbose) console.log("hibernatedRooms growth by process, KiB per room:", growthByProcess(beforeByProcess, treeRssByProcess(server.pid), rooms));
  const cpuIdleStart = treeCpuSeconds(server.pid);
  await sleep(idleWindowMs);
  const idleCpuSeconds = treeCpuSeconds(server.pid) - cpuIdleStart;
  const idleEnd = treeRssBytes(server.pid);

  let roomsStillLoaded = null;
  let diskBytesPerRoom = null;
  let persistBytesPerRoom = null;
  if (roomDir) {
    const ours = [...docRoomFiles(roomDir)].filter(([name]) => !filesBefore.has(name));
    roomsStillLoaded = ours.filter(([name]) => name.endsWith("-wal")).length;
    diskBytesPerRoom = ours.reduce((sum, [, size]) => sum + size, 0) / rooms;
  }
  if (persistDir) persistBytesPerRoom = (directoryBytes(persistDir) - persistBytesBefore) / rooms;

  let editsKept = null;
  if (isYjs) {
    editsKept = 0;
    for (let k = 0; k < sample; k++) {
      const i = Math.floor((k * rooms) / sample);
      const { peers } = await openInBatches(system, port, `${prefix}-${i}`, 1);
      if (peers[0]?.doc.getText("t").toString().includes(marker(i))) editsKept++;
      peers[0]?.close();
    }
  }
  return {
    rooms,
    failed,
    createMs,
    createCpuMsPerRoom: (createCpuSeconds * 1000) / rooms,
    rssBeforeMiB: before / MiB,
    rssPeakMiB: peak / MiB,
    rssIdleMiB: idle / MiB,
    kibPerIdleRoom: (idle - before) / 1024 / rooms,
    kibPerIdleRoomAtWindowEnd: (idleEnd - before) / 1024 / rooms,
    roomsLoadedAtMost: roomDir ? loaded.most : null,
    kibPerLoadedRoom: roomDir && loaded.most ? (Math.max(loaded.rssMost, idle) - before) / 1024 / loaded.most : null,
    idleCpuSeconds,
    idleCpuPercent: (idleCpuSeconds * 100_000) / idleWindowMs,
    baselineIdleCpuSeconds: baselineCpuSeconds,
    roomsStillLoaded,
    diskBytesPerRoom,
    persistBytesPerRoom,
    editsKeptOfSample: editsKept,
    sample: isYjs ? sample : null,
  };
}

// ---- 4. cold load (Edgeroom) ----

const documents = new Map();
/** The first `edits` transactions of automerge-paper applied to one Y.Text, as one update. */
export function traceDocument(edits) {
  if (!documents.has(edits)) {
    const doc = new Y.Doc();
    const text = doc.getText("t");
    for (const txn of loadTrace().txns.slice(0, edits)) {
      doc.transact(() => {
        for (const [pos, del, ins] of txn.patches) {
          if (del) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
    }
    documents.set(edits, { update: Y.encodeStateAsUpdate(doc), text: text.toString() });
  }
  return documents.get(edits);
}

/** Waits until workerd evicted the room whose SQLite file is `dbFile`: its `-wal` file is gone. */
export async function waitEvicted(roomDir, dbFile, timeoutMs) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (!docRoomFiles(roomDir).has(`${dbFile}-wal`)) return performance.now() - started;
    await sleep(200);
  }
  return null;
}

/**
 * A fresh client's time to sync the room if it got the whole text (else null), and `step2Ms`, the
 * time until the room's step 2 arrived: the sync without the client's own apply of the document,
 * which is the same work for any server and moves with the load generator's machine.
 */
async function timedFreshSync(system, port, room, expected, step2Times = []) {
  const url = await urlFor(system, port, room);
  const started = performance.now();
  const peer = new Peer(url, system.protocol, room);
  const outcome = await settle(peer.synced(), started + SYNC_TIMEOUT_MS);
  const isWhole = outcome.ok && peer.doc.getText("t").toString() === expected;
  peer.close();
  if (isWhole && peer.step2ArrivedAt !== null) step2Times.push(peer.step2ArrivedAt - started);
  return isWhole ? outcome.at - started : null;
}

/**
 * Edgeroom only. One room holds the first `edits` transactions of automerge-paper (sent as
 * one update, the same document a replay builds). A fresh client syncs it while the room is
 * loaded (`warmRuns` times), then, `coldRuns` times, after the room's Durable Object was
 * evicted: workerd evicts a room about 10 s after its last event (here ~15 s after the last
 * client left, counting the room's directory alarm), and the next connection constructs it
 * again, reading the snapshot from DO SQLite and applying it. Eviction is confirmed by the
 * room's SQLite `-wal` file disappearing, not assumed from the wait.
 */
export async function coldLoad(system, port, server, { edits = 260_000, warmRuns = 5, coldRuns = 3 } = {}) {
  if (!system.needsToken) throw new Error("coldLoad is for Edgeroom");
  const { update, text } = traceDocument(edits);
  // First the same path with nothing to load or send: what connecting itself costs (Worker,
  // room, proxy). Its room also shows where the server keeps the rooms' SQLite files.
  const emptyRoom = unique("empty");
  const holder = await openInBatches(system, port, emptyRoom, 1);
  const empty = [];
  for (let i = 0; i < warmRuns; i++) empty.push(await timedFreshSync(system, port, emptyRoom, ""));
  const roomDir = docRoomDir(server);
  for (const peer of holder.peers) peer.close();
  if (!roomDir) throw new Error("coldLoad: could not find where the rooms' SQLite files are");

  const room = unique("cold");
  const filesBefore = docRoomFiles(roomDir);
  const { peers, failed } = await openInBatches(system, port, room, 1);
  if (failed) throw new Error("coldLoad: the writer could not connect");
  const [writer] = peers;
  const stored = await sendAndAwait(system, room, writer, update, (doc) => doc.getText("t").length === text.length);
  if (!stored.ok) throw new Error("coldLoad: the room did not take the document");
  const dbFile = [...docRoomFiles(roomDir).keys()].find((name) => name.endsWith(".sqlite") && !filesBefore.has(name));
  if (!dbFile) throw new Error("coldLoad: could not find the room's SQLite file");

  const warm = [];
  const warmStep2 = [];
  for (let i = 0; i < warmRuns; i++) warm.push(await timedFreshSync(system, port, room, text, warmStep2));
  writer.close();

  const cold = [];
  const coldStep2 = [];
  const evictWaits = [];
  for (let i = 0; i < coldRuns; i++) {
    const waited = await waitEvicted(roomDir, dbFile, EVICT_TIMEOUT_MS);
    if (waited === null) continue; // never evicted: no cold sample
    evictWaits.push(waited);
    cold.push(await timedFreshSync(system, port, room, text, coldStep2));
  }
  const ok = (values) => values.filter((v) => v !== null);
  return {
    edits,
    documentBytes: update.byteLength,
    emptyRoomSyncMs: median(ok(empty)),
    warmSyncMs: median(ok(warm)),
    coldSyncMs: median(ok(cold)),
    coldSyncMaxMs: ok(cold).length ? Math.max(...ok(cold)) : null,
    // Until the room's step 2 arrived: the same syncs without the client's apply of the document.
    warmStep2Ms: median(warmStep2),
    coldStep2Ms: median(coldStep2),
    coldStep2MaxMs: coldStep2.length ? Math.max(...coldStep2) : null,
    coldRunsEvicted: evictWaits.length,
    coldRunsWhole: ok(cold).length,
    evictWaitMs: median(evictWaits),
    snapshotBytesOnDisk: docRoomFiles(roomDir).get(dbFile) ?? null,
  };
}

// ---- standalone runner ----

export const STORM_SCENARIOS = { connectionStorm, idleMemory, hibernatedRooms, coldLoad };

/** Options per scenario; `quick` ones finish in about a minute per system. */
export function stormOptions(quick) {
  return quick
    ? { connectionStorm: { clients: 100 }, idleMemory: { clients: 100 }, hibernatedRooms: { rooms: 200, settleMs: 20_000, idleWindowMs: 5000, sample: 10 }, coldLoad: { edits: 40_000, warmRuns: 3, coldRuns: 1 } }
    : { connectionStorm: { clients: 500 }, idleMemory: { clients: 500, hibernateMs: 20_000 }, hibernatedRooms: { rooms: 1000 }, coldLoad: { edits: 260_000, warmRuns: 5, coldRuns: 3 } };
}

async function main() {
  const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = process.argv.includes("--quick");
  const verbose = process.argv.includes("--verbose");
  // Like run.mjs: the load generator on CPU 1, the servers (systems.mjs) on CPU 0.
  const { SYSTEMS, stop, waitReady } = await import("./systems.mjs");
  pinLoadGenerator();
  // Document systems only (a game server in SYSTEMS has no `url` for a document room).
  const documentSystems = Object.keys(SYSTEMS).filter((name) => ["raw", "yjs", "hocuspocus"].includes(SYSTEMS[name].protocol) && SYSTEMS[name].url);
  const systems = (arg("system") ?? documentSystems.join(",")).split(",");
  const scenarios = (arg("only") ?? Object.keys(STORM_SCENARIOS).join(",")).split(",");
  for (const name of [...systems, ...scenarios]) {
    if (!SYSTEMS[name] && !STORM_SCENARIOS[name]) throw new Error(`unknown system or scenario "${name}"`);
  }
  const options = stormOptions(quick);
  // `--rooms=N`: fewer idle rooms, to compare builds quickly by their memory per loaded room.
  if (arg("rooms")) options.hibernatedRooms = { ...options.hibernatedRooms, rooms: Number(arg("rooms")) };
  const results = {};
  // A fresh server for every scenario: memory readings depend on what ran before (an allocator
  // that grew for a storm keeps that memory and hands it to the next scenario's connections).
  for (const [index, name] of systems.entries()) {
    const system = SYSTEMS[name];
    const port = 9890 + (index % 10); // this suite's ports: 9890-9899
    for (const scenario of scenarios) {
      if (scenario === "coldLoad" && !system.needsToken) continue; // Edgeroom only
      const server = system.start(port);
      if (process.argv.includes("--server-log")) server.stdout.on("data", (chunk) => process.stderr.write(chunk));
      try {
        await waitReady(system, server, port);
        const started = Date.now();
        const result = await STORM_SCENARIOS[scenario](system, port, server, { ...options[scenario], verbose }).catch((error) => ({ error: String(error) }));
        (results[scenario] ??= {})[name] = result;
        console.log(name, scenario, `(${((Date.now() - started) / 1000).toFixed(0)} s)`, result);
      } finally {
        const persistDir = persistDirOf(server);
        const miniflareTemp = docRoomDirs.get(server)?.match(/^(.*\/miniflare-[0-9a-f]+)\/do\//)?.[1];
        await stop(server);
        tokens.delete(port);
        // The storage of the server this run started: systems.mjs' persist dir, Miniflare's temporary one.
        for (const dir of [persistDir, miniflareTemp]) if (dir?.match(/\/(edgeroom-bench|miniflare)-/)) rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.log(JSON.stringify(results, null, 2));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
