// Where a fresh client's sync of the automerge-paper document goes, from the client's side: connect
// start, upgrade done, the room's step 1, the first byte of its step 2, step 2 whole, applied, synced;
// warm (first fresh client after the document was written, then a second one) and cold (after the
// room was evicted), beside the no-network floor's encode and apply of the same document in this process.
// `flock /tmp/edgeroom-bench.lock node bench/syncTimeline.mjs [--before=<dir>] [--cold=3] [--warm=3]`
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { YjsMessageType } from "../protocol/yjsMessages.ts";
import { arg, sideBySideSystems } from "./beforeSystem.mjs";
import { BenchWebSocket, Peer, devToken } from "./client.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { docRoomDir, docRoomFiles } from "./serverState.mjs";
import { median } from "./stats.mjs";
import { sendAndAwait, traceDocument, waitEvicted } from "./storm.mjs";
import { withSystemsSideBySide } from "./systems.mjs";
import { PerformanceObserver } from "node:perf_hooks";

pinLoadGenerator();
/** The load generator's own garbage collections (start, duration in ms): one during an apply is the client's, not the room's. */
const collections = [];
new PerformanceObserver((list) => collections.push(...list.getEntries().map((e) => [e.startTime, e.duration]))).observe({ entryTypes: ["gc"] });
const SYNC = YjsMessageType.SYNC;

/** One fresh client's sync with each step's client-side time (ms since the connect started). */
function timedSync(url) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const at = () => performance.now() - t0;
    const marks = { bytes: 0 };
    const doc = new Y.Doc();
    const socket = new BenchWebSocket(url);
    socket.binaryType = "arraybuffer";
    let stepOneAt = null;
    socket.on("upgrade", () => (marks.upgrade = at()));
    socket.onopen = () => {
      marks.open = at();
      // The raw socket's reads: the first one after the room's step 1 is step 2's first byte.
      socket._socket.prependListener("data", (chunk) => {
        marks.bytes += chunk.length;
        if (stepOneAt !== null && marks.step2FirstByte === undefined) marks.step2FirstByte = at();
      });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, SYNC);
      syncProtocol.writeSyncStep1(e, doc);
      socket.send(encoding.toUint8Array(e));
    };
    socket.onerror = () => reject(new Error("connect failed"));
    socket.onclose = (e) => reject(new Error(`closed ${e.code}`));
    socket.onmessage = (event) => {
      const received = at();
      const decoder = decoding.createDecoder(new Uint8Array(event.data));
      if (decoding.readVarUint(decoder) !== SYNC) return;
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, SYNC);
      const step = syncProtocol.readSyncMessage(decoder, reply, doc, null);
      if (encoding.length(reply) > 1) socket.send(encoding.toUint8Array(reply));
      // The first step 1 is the connect's; a later one is the room's read probe after step 2.
      if (step === syncProtocol.messageYjsSyncStep1 && stepOneAt === null) stepOneAt = marks.step1 = received;
      if (step === syncProtocol.messageYjsSyncStep2) {
        Object.assign(marks, { step2Whole: received, applied: at(), step2Bytes: event.data.byteLength });
        socket.onclose = null;
        socket.close();
        // The gc entries arrive after this turn: read them on the next.
        setTimeout(() => {
          const during = collections.filter(([start]) => start >= t0 + received && start <= t0 + marks.applied);
          marks.gcMsDuringApply = Number(during.reduce((sum, [, ms]) => sum + ms, 0).toFixed(1));
          resolve({ ...marks, length: doc.getText("t").length });
        }, 50);
      }
    };
  });
}

/** The floor's fresh sync of the same document here: encode from a whole doc, and apply. */
function floor(update) {
  const whole = new Y.Doc();
  Y.applyUpdate(whole, update);
  const started = performance.now();
  const encoded = Y.encodeStateAsUpdate(whole);
  const encodedAt = performance.now();
  Y.applyUpdate(new Y.Doc(), encoded);
  return { encodeMs: encodedAt - started, applyMs: performance.now() - encodedAt };
}

const show = (runs) => {
  const keys = ["upgrade", "open", "step1", "step2FirstByte", "step2Whole", "applied", "gcMsDuringApply"];
  return Object.fromEntries(keys.map((k) => [k, Number(median(runs.map((r) => r[k]).filter((v) => v !== undefined))?.toFixed(1))]));
};

const { update, text } = traceDocument(260_000);

const warmRuns = Number(arg("warm", 3));
const coldRuns = Number(arg("cold", 3));
const floors = Array.from({ length: 5 }, () => floor(update));
console.log("floor", { encodeMs: median(floors.map((f) => f.encodeMs)).toFixed(1), applyMs: median(floors.map((f) => f.applyMs)).toFixed(1), bytes: update.byteLength });

// `--system=edgeroom-workerd,y-partyserver` puts the platform's Yjs peer beside it (warm only).
await withSystemsSideBySide(await sideBySideSystems(), async (started) => {
  const rooms = [];
  for (const { name, system, port, server } of started) {
    const room = `timeline-${Math.random().toString(36).slice(2, 8)}`;
    const url = system.needsToken ? `${system.url(port, room)}?token=${await devToken(port)}` : system.url(port, room);
    const roomDir = system.needsToken ? docRoomDir(server) : null;
    const filesBefore = roomDir ? docRoomFiles(roomDir) : new Map();
    const writer = new Peer(url, system.protocol, room);
    await writer.synced();
    const stored = await sendAndAwait(system, room, writer, update, (doc) => doc.getText("t").length === text.length);
    if (!stored.ok) throw new Error(`${name}: the room did not take the document`);
    const warm = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await timedSync(url));
    writer.close();
    // The floors store nothing: no eviction to wait for, no cold load.
    if (system.needsToken) {
      const dbFile = [...docRoomFiles(docRoomDir(server)).keys()].find((f) => f.endsWith(".sqlite") && !filesBefore.has(f));
      rooms.push({ name, url, roomDir: docRoomDir(server), dbFile, warm, cold: [] });
    }
    console.log(name, "warm, first fresh client", warm[0]);
    console.log(name, "warm, later (median)", show(warm.slice(1)));
  }
  for (let i = 0; i < coldRuns; i++) {
    // Both rooms evicted, then loaded one after the other, alternating which goes first.
    await Promise.all(rooms.map((r) => waitEvicted(r.roomDir, r.dbFile, 60_000)));
    for (const r of i % 2 ? [...rooms].reverse() : rooms) {
      const run = await timedSync(r.url);
      // The same bytes applied here right after: what the apply alone costs this process now.
      const applyStarted = performance.now();
      Y.applyUpdate(new Y.Doc(), update);
      run.localApplyAfter = Number((performance.now() - applyStarted).toFixed(1));
      r.cold.push(run);
      console.log(r.name, "cold", run);
    }
  }
  for (const r of rooms) console.log(r.name, "cold (median)", show(r.cold));
});
