// The scenarios. Each takes a started system and returns plain numbers; run.mjs repeats and reports.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { YjsMessageType } from "../protocol/yjsMessages.ts";
import { Peer, devToken } from "./client.mjs";
import { treeCpuSeconds } from "./cpu.mjs";
import { percentile } from "./stats.mjs";

/** Whether the system speaks Yjs (documents) rather than relaying bytes. */
export const isYjs = (system) => system.protocol === "yjs" || system.protocol === "hocuspocus";

/** How long a scenario waits for stragglers before it counts them lost, in ms. */
const DELIVERY_TIMEOUT_MS = 10_000;

export async function urlFor(system, port, room) {
  const url = system.url(port, room);
  return system.needsToken ? `${url}?token=${await devToken(port)}` : url;
}

export async function openPeers(system, port, room, count) {
  const url = await urlFor(system, port, room);
  const peers = Array.from({ length: count }, () => new (system.Peer ?? Peer)(url, system.protocol, room));
  await Promise.all(peers.map((p) => p.synced()));
  return peers;
}

/** One room, N receivers, one sender, `messages` 32-byte payloads 10 ms apart. */
export async function fanOut(system, port, server, { receivers, messages }) {
  const room = `fanout-${receivers}-${Math.random().toString(36).slice(2, 8)}`;
  const joinStarted = performance.now();
  const peers = await openPeers(system, port, room, receivers);
  const joinMs = performance.now() - joinStarted;
  const [sender] = await openPeers(system, port, room, 1);
  const sentAt = [];
  /** For Yjs systems: the sender's clock at each message's first character (servers may merge frames). */
  const firstClock = [];
  const latencies = [];
  const lastArrival = new Array(messages).fill(0);
  let delivered = 0;
  const arrived = (i, at) => {
    latencies.push(at - sentAt[i]);
    lastArrival[i] = Math.max(lastArrival[i], at);
    delivered += 1;
  };
  for (const peer of peers) {
    if (!isYjs(system)) {
      let index = 0;
      peer.onUpdate = (at) => {
        const i = index++;
        if (i < messages) arrived(i, at);
      };
      continue;
    }
    // Matched by item ids, not by counting frames: a frame may carry several messages.
    peer.readOnly = true;
    let next = 0;
    peer.onUpdate = (at, update) => {
      const { to } = Y.parseUpdateMeta(update);
      const end = to.get(sender.doc.clientID) ?? 0;
      while (next < messages && firstClock[next] !== undefined && firstClock[next] < end) arrived(next++, at);
    };
  }
  const cpuBefore = treeCpuSeconds(server.pid);
  const text = isYjs(system) ? sender.doc.getText("t") : null;
  const relayed = new Y.Doc();
  for (let i = 0; i < messages; i++) {
    sentAt[i] = performance.now();
    if (system.relaysYjsFrames) sender.sendRaw(yjsFrame(relayed, i));
    else if (!isYjs(system)) sender.sendRaw(new Uint8Array(32).fill(i));
    else {
      const before = Y.encodeStateVector(sender.doc);
      firstClock[i] = Y.getState(sender.doc.store, sender.doc.clientID);
      text.insert(text.length, String(i).padStart(32, "."));
      sender.sendSince(before);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
  while (delivered < receivers * messages && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  for (const peer of [...peers, sender]) peer.close();
  const lastReceiver = lastArrival.map((at, i) => (at ? at - sentAt[i] : Number.NaN)).filter((v) => !Number.isNaN(v));
  return {
    joinMs,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    lastReceiverP99Ms: percentile(lastReceiver, 99),
    /** Each message's last-receiver delay, for a p99 over every round's messages (50 a round make this round's p99 its largest). */
    lastReceiverMs: lastReceiver,
    lost: receivers * messages - delivered,
    cpuMicrosPerDelivery: delivered ? (cpuSeconds * 1e6) / delivered : null,
  };
}

/**
 * The frame a Yjs sender makes for message `i` (a sync update of the same 32-character insert), so
 * a relay floor carries the same bytes the Yjs systems do; each frame is one message.
 */
function yjsFrame(doc, i) {
  const before = Y.encodeStateVector(doc);
  const text = doc.getText("t");
  text.insert(text.length, String(i).padStart(32, "."));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YjsMessageType.SYNC);
  syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc, before));
  return encoding.toUint8Array(encoder);
}

let trace;
export function loadTrace() {
  trace ??= JSON.parse(gunzipSync(readFileSync(new URL("../../shared/data/editing-traces/automerge-paper.json.gz", import.meta.url))).toString());
  return trace;
}

/** Applies trace transactions to a Y.Text, calling `flush` after every `batch` of them (a client coalescing edits). */
function replayTrace(doc, txns, batch, flush) {
  const text = doc.getText("t");
  for (let start = 0; start < txns.length; start += batch) {
    const before = Y.encodeStateVector(doc);
    for (const txn of txns.slice(start, start + batch)) {
      doc.transact(() => {
        for (const [pos, del, ins] of txn.patches) {
          if (del) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
    }
    flush(before);
  }
}

/** The no-network floor: two docs in one process, each batch's update applied to the other directly. */
export function burstFloor({ edits, batch }) {
  const txns = loadTrace().txns.slice(0, edits);
  const a = new Y.Doc();
  const b = new Y.Doc();
  const started = performance.now();
  replayTrace(a, txns, batch, (before) => Y.applyUpdate(b, Y.encodeStateAsUpdate(a, before)));
  const convergeMs = performance.now() - started;
  globalThis.gc?.(); // under --expose-gc: the burst's garbage is collected before the fresh sync's clock, as in `burst`
  const syncStarted = performance.now();
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(b));
  return { convergeMs, freshSyncMs: performance.now() - syncStarted, length: fresh.getText("t").length };
}

/**
 * Burst replay: one client sends the trace's edits as fast as it can (coalesced per `batch`
 * transactions, the same client for every system); an observer waits for the same text. Then
 * a fresh client syncs the finished document.
 */
export async function burst(system, port, server, { edits, batch }) {
  const txns = loadTrace().txns.slice(0, edits);
  const room = `burst-${Math.random().toString(36).slice(2, 8)}`;
  const [writer, observer] = await openPeers(system, port, room, 2);
  const closes = [];
  const noteClose = (who) => (event) => closes.push(`${who} ${event.code} ${event.reason}`);
  writer.onClose = noteClose("writer");
  observer.onClose = noteClose("observer");
  const cpuBefore = treeCpuSeconds(server.pid);
  const started = performance.now();
  replayTrace(writer.doc, txns, batch, (before) => writer.sendSince(before));
  const expected = writer.doc.getText("t").toString();
  const deadline = performance.now() + 120_000;
  while (observer.doc.getText("t").toString() !== expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const converged = observer.doc.getText("t").toString() === expected;
  const convergeMs = performance.now() - started;
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  // The token is fetched before the clock starts: a client holds one before it connects (the SDK
  // reuses it), and the systems without tokens have no such request to time.
  const url = await urlFor(system, port, room);
  // Under node --expose-gc (npm run bench, bench/freshSyncPairs.mjs), the load generator collects the burst's garbage
  // first, so a collection of it does not land in one system's fresh sync and not another's.
  globalThis.gc?.();
  const syncStarted = performance.now();
  const fresh = new (system.Peer ?? Peer)(url, system.protocol, room);
  fresh.onClose = noteClose("fresh");
  let openedAt = null;
  fresh.opened.then(() => (openedAt = performance.now()));
  await fresh.synced();
  const freshSyncMs = performance.now() - syncStarted;
  // Where the fresh sync went: the upgrade, the server's answer arriving, the client applying it.
  const freshParts = { freshOpenedMs: openedAt - syncStarted, freshAnswerMs: fresh.answerArrivedAt - syncStarted, freshAnswerFrames: fresh.answerFrames, freshAnswerBytes: fresh.answerBytes };
  const freshOk = fresh.doc.getText("t").toString() === expected;
  // A failed check shows as a null figure in the summary; what failed is said here, per run.
  if (!converged || !freshOk) {
    const lengths = { expected: expected.length, observer: observer.doc.getText("t").length, fresh: fresh.doc.getText("t").length };
    console.error(`burst ${room}: converged ${converged}, fresh sync ${freshOk ? "whole" : "NOT whole"}`, JSON.stringify({ lengths, closes }));
  }
  for (const peer of [writer, observer, fresh]) peer.close();
  return { converged, convergeMs: converged ? convergeMs : null, serverCpuSeconds: cpuSeconds, freshSyncMs: freshOk ? freshSyncMs : null, ...freshParts };
}
