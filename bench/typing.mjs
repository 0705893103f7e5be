// Typing at fixed rates and many writers at once. Latency is matched by Yjs item ids: the
// observer sees an edit when a frame carrying the edit's first inserted (or deleted) item arrives,
// whatever way the server batched or split the frames.
import * as Y from "yjs";
import { BenchWebSocket, Peer, devToken } from "./client.mjs";
import { treeCpuSeconds } from "./cpu.mjs";
import { loadTrace, openPeers, urlFor } from "./scenarios.mjs";
import { percentile } from "./stats.mjs";

const DRAIN_TIMEOUT_MS = 10_000;
const PACE_MS = 2;

function cpuSecondsSince(before) {
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1e6;
}

/** The ids an update carries, per client: inserted clock ranges and deleted clock ranges. */
function idsIn(update, withDeletes) {
  const { from, to } = Y.parseUpdateMeta(update);
  const inserted = [...from].map(([client, clock]) => [client, clock, to.get(client)]);
  const deleted = [];
  if (withDeletes) {
    for (const [client, items] of Y.decodeUpdate(update).ds.clients) for (const item of items) deleted.push([client, item.clock, item.clock + item.len]);
  }
  return { inserted, deleted };
}

/**
 * Remembers when each edit was made (keyed by its first item id) and, for each observer, when
 * the edit became visible there.
 */
class EditClock {
  /** `${client}:${clock}` of an edit's first inserted item, or `d${client}:${clock}` of its first deleted one. */
  madeAt = new Map();
  latencies = [];
  /** Per latency above, the index of its edit in the order made (for where in a run the slow ones fall). */
  editIndexes = [];
  #pendingDeletes = 0;

  watchWriter(doc) {
    doc.on("update", (update) => {
      const at = performance.now();
      const { inserted, deleted } = idsIn(update, true);
      if (inserted.length > 0) this.madeAt.set(`${inserted[0][0]}:${inserted[0][1]}`, at);
      else if (deleted.length > 0) {
        this.madeAt.set(`d${deleted[0][0]}:${deleted[0][1]}`, at);
        this.#pendingDeletes += 1;
      }
    });
  }

  #indexes = new Map();
  #indexOf(key) {
    if (this.#indexes.size !== this.madeAt.size) this.#indexes = new Map([...this.madeAt.keys()].map((k, i) => [k, i]));
    return this.#indexes.get(key);
  }

  /** The `count` slowest sightings: [edit index, ms]. */
  slowest(count) {
    return this.latencies
      .map((ms, i) => [this.editIndexes[i], Math.round(ms * 10) / 10])
      .sort((a, b) => b[1] - a[1])
      .slice(0, count);
  }

  /** A per-observer view: each edit counts once per observer. */
  observer() {
    const seen = new Set();
    return (at, update) => {
      const { inserted, deleted } = idsIn(update, this.#pendingDeletes > 0);
      const match = (key) => {
        const madeAt = this.madeAt.get(key);
        if (madeAt === undefined || seen.has(key)) return;
        seen.add(key);
        this.latencies.push(at - madeAt);
        this.editIndexes.push(this.#indexOf(key));
      };
      for (const [client, start, end] of inserted) for (let clock = start; clock < end; clock++) match(`${client}:${clock}`);
      for (const [client, start, end] of deleted) for (let clock = start; clock < end; clock++) match(`d${client}:${clock}`);
    };
  }
}

/** Edgeroom's writer is its own SDK (which coalesces past its frame budget); the peers' writers send a frame per transaction, as their stock providers do. */
async function openWriter(system, port, room) {
  if (system.needsToken && !process.env.BENCH_RAW_WRITER) {
    const { createClient } = await import("../client-sdk/dist/index.js");
    const token = await devToken(port);
    const provider = createClient({ baseUrl: `http://127.0.0.1:${port}`, getToken: () => token, WebSocket: BenchWebSocket }).doc(room);
    await provider.whenStatus("synced");
    let drops = 0;
    provider.on("status", (status) => (drops += status === "offline" || status === "closed" ? 1 : 0));
    return { doc: provider.doc, close: () => provider.destroy(), drops: () => drops };
  }
  const [peer] = await openPeers(system, port, room, 1);
  peer.doc.on("update", (update, origin) => origin !== peer && peer.sendUpdate(update));
  let drops = 0;
  peer.onClose = () => (drops += 1);
  return { doc: peer.doc, close: () => peer.close(), drops: () => drops };
}

/**
 * One writer types the automerge-paper trace, one transaction per edit, at `rate` edits per
 * second for `seconds`; `observers` read-only clients see it.
 */
export async function typing(system, port, server, { rate, observers, seconds }) {
  const room = `typing-${rate}-${observers}-${Math.random().toString(36).slice(2, 8)}`;
  const watchers = await openPeers(system, port, room, observers);
  const writer = await openWriter(system, port, room);
  const clock = new EditClock();
  clock.watchWriter(writer.doc);
  for (const peer of watchers) {
    peer.readOnly = true;
    peer.onUpdate = clock.observer();
  }
  const txns = loadTrace().txns;
  const total = Math.min(txns.length, Math.round(rate * seconds));
  const text = writer.doc.getText("t");
  const cpuBefore = treeCpuSeconds(server.pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  let made = 0;
  while (made < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; made < due; made++) {
      writer.doc.transact(() => {
        for (const [pos, del, ins] of txns[made].patches) {
          if (del) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
    }
    await new Promise((r) => setTimeout(r, PACE_MS));
  }
  const expected = clock.madeAt.size * observers;
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (clock.latencies.length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const writerDrops = writer.drops();
  writer.close();
  for (const peer of watchers) peer.close();
  return {
    edits: clock.madeAt.size,
    p50Ms: percentile(clock.latencies, 50),
    p99Ms: percentile(clock.latencies, 99),
    lost: expected - clock.latencies.length,
    serverCpuSeconds: cpuSeconds,
    clientCpuSeconds: cpuSecondsSince(clientBefore),
    writerDrops,
    slowest: clock.slowest(5),
  };
}

/** `writers` clients in one room, each inserting one character `perSecond` times a second for `seconds`; everyone observes everyone. */
export async function manyWriters(system, port, server, { writers, perSecond, seconds }) {
  const room = `writers-${writers}-${Math.random().toString(36).slice(2, 8)}`;
  const url = await urlFor(system, port, room);
  const peers = Array.from({ length: writers }, () => new Peer(url, system.protocol, room));
  await Promise.all(peers.map((p) => p.synced()));
  const madeAt = new Map();
  const latencies = [];
  for (const peer of peers) {
    const seen = new Set();
    peer.doc.on("update", (update, origin) => {
      const at = performance.now();
      if (origin !== peer) {
        // Local edit: remember when, then send it as its own frame.
        const { from } = Y.parseUpdateMeta(update);
        for (const [client, clock] of from) madeAt.set(`${client}:${clock}`, at);
        return peer.sendUpdate(update);
      }
      const { from, to } = Y.parseUpdateMeta(update);
      for (const [client, start] of from) {
        for (let clock = start; clock < to.get(client); clock++) {
          const key = `${client}:${clock}`;
          const made = madeAt.get(key);
          if (made === undefined || seen.has(key)) continue;
          seen.add(key);
          latencies.push(at - made);
        }
      }
    });
  }
  const cpuBefore = treeCpuSeconds(server.pid);
  const clientBefore = process.cpuUsage();
  const intervalMs = 1000 / perSecond;
  const started = performance.now();
  // Each writer starts at its own offset in the interval, so edits spread as real typing does.
  const timers = peers.map((peer, i) =>
    setTimeout(() => {
      const text = peer.doc.getText("t");
      const type = () => performance.now() - started < seconds * 1000 && text.insert(Math.floor(Math.random() * (text.length + 1)), "x");
      type();
      timers[i] = setInterval(type, intervalMs);
    }, (i / writers) * intervalMs),
  );
  await new Promise((r) => setTimeout(r, seconds * 1000 + intervalMs));
  for (const timer of timers) clearInterval(timer);
  const expected = madeAt.size * (writers - 1);
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (latencies.length < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const texts = new Set(peers.map((p) => p.doc.getText("t").toString()));
  for (const peer of peers) peer.close();
  return {
    edits: madeAt.size,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    lost: expected - latencies.length,
    converged: texts.size === 1,
    serverCpuSeconds: cpuSeconds,
    // The load generator's own CPU: near the run's length, the clients, not the server, set the latency.
    clientCpuSeconds: cpuSecondsSince(clientBefore),
    seconds,
  };
}
