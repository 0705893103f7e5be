// Issue 17, fresh sync: a client whose state vector is empty gets the room's whole document. After a
// change, the room answers from its last whole-document update and the updates since
// (rooms/doc/syncFrames.ts) instead of encoding the document again; past the tail's bounds it encodes
// it again. Counted, not timed (bench/freshSyncPairs.mjs times it).
import { exports } from "cloudflare:workers";
import * as Y from "yjs";
import { afterEach, expect, it } from "vitest";
import { DocLimits } from "../../protocol/index.ts";
import { decodeFrame } from "../../rooms/doc/frames.ts";
import { FRESH_SYNC_MAX_TAIL_SHARE_OF_BASE, FRESH_SYNC_MAX_TAIL_UPDATES } from "../../rooms/doc/syncFrames.ts";
import { BASE, TestSocket, devToken, editFrame, encodeSyncStep1, openDoc, openSdkDoc, receiveEarlierFrames } from "./helpers.ts";

let restore = () => {};
afterEach(() => restore());

const isSyncStep2 = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 1;

/**
 * Counts Yjs encodings of at least `minBytes` (Y.encodeStateAsUpdate and every other V1 encoding end in
 * UpdateEncoderV1's toUint8Array): with `minBytes` near the document's size, encodings of the whole document.
 */
function countEncodings(minBytes: number) {
  const proto = Y.UpdateEncoderV1.prototype as { toUint8Array(): Uint8Array };
  const original = proto.toUint8Array;
  const counter = { whole: 0, restore: () => void (proto.toUint8Array = original) };
  proto.toUint8Array = function (this: Y.UpdateEncoderV1) {
    const bytes = original.call(this);
    if (bytes.byteLength >= minBytes) counter.whole++;
    return bytes;
  };
  restore = counter.restore;
  return counter;
}

/** A socket through y-partyserver's path (`/parties/main/{room}`), as YProvider opens it. */
async function openParty(roomId: string, token: string): Promise<TestSocket> {
  const response = await exports.default.fetch(`${BASE}/parties/main/${roomId}?_pk=fresh&token=${token}`, { headers: { Upgrade: "websocket" } });
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

/**
 * A fresh client's sync: its step 1 with an empty state vector, then everything up to the room's step 2.
 * Returns the frames of the answer (the updates before the step 2, and the step 2) and the document
 * the client has when it says `synced` (at the step 2), with how many whole-document encodings the
 * room made meanwhile.
 */
async function freshSync(roomId: string, token: string, { party = false, wholeBytes }: { party?: boolean; wholeBytes: number }) {
  const socket = party ? await openParty(roomId, token) : await openDoc(roomId, token);
  const counter = countEncodings(wholeBytes);
  socket.send(encodeSyncStep1(new Y.Doc()));
  const step2 = await socket.next(isSyncStep2, 0, { failOnClose: true });
  counter.restore();
  const doc = new Y.Doc();
  const answer: Uint8Array[] = [];
  for (const frame of socket.frames.slice(0, socket.frames.indexOf(step2) + 1)) {
    if (typeof frame === "string") continue;
    const decoded = decodeFrame(frame);
    if (decoded.type !== "update") continue;
    answer.push(frame);
    Y.applyUpdate(doc, decoded.update);
  }
  socket.close();
  return { encodings: counter.whole, frames: answer.length, text: doc.getText("t").toString() };
}

/** A writer whose every edit the room has applied when the call returns. */
async function writerIn(roomId: string, token: string) {
  const socket = await openDoc(roomId, token);
  const doc = new Y.Doc();
  socket.send(encodeSyncStep1(doc));
  await socket.next(isSyncStep2, 0, { failOnClose: true });
  return {
    doc,
    socket,
    text: () => doc.getText("t").toString(),
    async edit(change: (text: Y.Text) => void) {
      // One transaction: editFrame sends the update of the edit's last one.
      socket.send(editFrame(doc, (d) => d.transact(() => change(d.getText("t")))));
      await receiveEarlierFrames(socket);
    },
  };
}

/** An edit that inserts or deletes a few characters somewhere, by `i`. */
function smallEdit(i: number) {
  return (text: Y.Text) => {
    if (i % 3 === 2 && text.length > 10) text.delete((i * 7) % (text.length - 5), 4);
    else text.insert((i * 13) % (text.length + 1), `<${i}>`);
  };
}

it("a fresh client after a change gets the whole document without the room encoding it again", async () => {
  const roomId = `fresh-after-change-${Date.now()}`;
  const token = await devToken({ sub: "fresh", room: `doc/${roomId}`, role: "editor" });
  const writer = await writerIn(roomId, token);
  await writer.edit((t) => t.insert(0, "x".repeat(40_000)));
  const wholeBytes = 30_000;
  expect((await freshSync(roomId, token, { wholeBytes })).encodings, "the first fresh client's encoding").toBe(1);
  await writer.edit((t) => t.delete(100, 50));
  await writer.edit((t) => t.insert(7, "after"));
  const fresh = await freshSync(roomId, token, { wholeBytes });
  expect(fresh.text, "the document at the step 2").toBe(writer.text());
  expect(fresh.encodings, "whole-document encodings for a fresh client after two changes").toBe(0);
  expect(fresh.frames, "the document update, then the two changes merged into the step 2").toBe(2);
  writer.socket.close();
});

it("after a compaction, a fresh client is answered from the compaction's snapshot and the updates since", async () => {
  const roomId = `fresh-after-compaction-${Date.now()}`;
  const token = await devToken({ sub: "fresh", room: `doc/${roomId}`, role: "editor" });
  const writer = await openSdkDoc(roomId, token);
  const doc = new Y.Doc();
  // Past COMPACT_AFTER_BYTES in frames under MAX_MESSAGE_BYTES: the room folds its log into a snapshot.
  const chunk = Math.floor(DocLimits.MAX_MESSAGE_BYTES / 4);
  const frames = Math.ceil(DocLimits.COMPACT_AFTER_BYTES / chunk);
  for (let i = 0; i < frames; i++) writer.send(editFrame(doc, (d) => d.getText("t").insert(0, String(i % 10).repeat(chunk))));
  // The compaction runs in the commit, before that commit's acknowledgements.
  await writer.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved" && JSON.parse(f).seq === frames, 0, { failOnClose: true });
  writer.send(editFrame(doc, (d) => d.getText("t").delete(10, 1000)));
  await receiveEarlierFrames(writer);
  const fresh = await freshSync(roomId, token, { wholeBytes: chunk * frames - 2000 });
  expect(fresh.text === doc.getText("t").toString(), "the document at the step 2").toBe(true);
  expect(fresh.encodings, "whole-document encodings for a fresh client after the compaction and a change").toBe(0);
  writer.close();
});

it("fresh clients get exactly the room's document, deletes included, as updates pass the tail's update bound", async () => {
  const roomId = `fresh-tail-count-${Date.now()}`;
  const token = await devToken({ sub: "fresh", room: `doc/${roomId}`, role: "editor" });
  const writer = await writerIn(roomId, token);
  // Big enough that the byte bound (a share of it) is not reached first by the small edits.
  await writer.edit((t) => t.insert(0, "abcdefghij".repeat(4_000)));
  const wholeBytes = 35_000;
  expect((await freshSync(roomId, token, { wholeBytes })).encodings).toBe(1);
  const every = 10;
  const total = 2 * FRESH_SYNC_MAX_TAIL_UPDATES + 3 * every;
  let sinceBase = 0;
  for (let i = 1; i <= total; i++) {
    await writer.edit(smallEdit(i));
    sinceBase += 1;
    // The update past the bound drops the tail and what it follows: the next fresh client's encoding starts again.
    const dropped = sinceBase > FRESH_SYNC_MAX_TAIL_UPDATES;
    if (dropped) sinceBase = Infinity;
    if (i % every !== 0) continue;
    const fresh = await freshSync(roomId, token, { wholeBytes, party: i % (2 * every) === 0 });
    expect(fresh.text === writer.text(), `the document a fresh client has at its step 2, after ${i} edits`).toBe(true);
    if (sinceBase === Infinity) {
      expect(fresh.encodings, `encodings after ${i} edits, past the bound`).toBe(1);
      expect(fresh.frames).toBe(1);
      sinceBase = 0;
    } else {
      expect(fresh.encodings, `encodings after ${i} edits`).toBe(0);
      expect(fresh.frames, `frames after ${i} edits: the document update, then the ${sinceBase} since merged into the step 2`).toBe(sinceBase === 0 ? 1 : 2);
    }
  }
  writer.socket.close();
});

it("fresh clients get exactly the room's document as updates pass the tail's byte bound", async () => {
  const roomId = `fresh-tail-bytes-${Date.now()}`;
  const token = await devToken({ sub: "fresh", room: `doc/${roomId}`, role: "editor" });
  const writer = await writerIn(roomId, token);
  await writer.edit((t) => t.insert(0, "0123456789".repeat(2_000)));
  const wholeBytes = 18_000;
  const first = await freshSync(roomId, token, { wholeBytes });
  expect(first.encodings).toBe(1);
  // Each edit's update is a little over 1 KB: a few fit in the share of the ~20 KB document.
  const edit = (i: number) => (t: Y.Text) => {
    t.delete(i * 50, 20);
    t.insert(i * 100, String.fromCharCode(97 + i).repeat(1_000));
  };
  const fits = Math.floor((20_000 * FRESH_SYNC_MAX_TAIL_SHARE_OF_BASE) / 1_100);
  expect(fits).toBeLessThan(FRESH_SYNC_MAX_TAIL_UPDATES);
  for (let i = 0; i < fits; i++) await writer.edit(edit(i));
  const within = await freshSync(roomId, token, { wholeBytes, party: true });
  expect(within.text === writer.text(), "the document within the bound").toBe(true);
  expect(within.encodings, "encodings within the byte bound").toBe(0);
  expect(within.frames, "the document update, then the updates since merged into the step 2").toBe(2);
  await writer.edit(edit(fits));
  await writer.edit(edit(fits + 1));
  const past = await freshSync(roomId, token, { wholeBytes });
  expect(past.text === writer.text(), "the document past the bound").toBe(true);
  expect(past.encodings, "encodings past the byte bound").toBe(1);
  expect(past.frames).toBe(1);
  writer.socket.close();
});

it("a fresh client's answer past PROBE_AFTER_BYTES is whole before the room's probe, which follows it", async () => {
  const roomId = `fresh-probe-${Date.now()}`;
  const token = await devToken({ sub: "fresh", room: `doc/${roomId}`, role: "editor" });
  const writer = await writerIn(roomId, token);
  await writer.edit((t) => t.insert(0, "p".repeat(DocLimits.PROBE_AFTER_BYTES + 10_000)));
  await freshSync(roomId, token, { wholeBytes: DocLimits.PROBE_AFTER_BYTES });
  for (let i = 0; i < 3; i++) await writer.edit(smallEdit(i));
  const socket = await openDoc(roomId, token);
  socket.send(encodeSyncStep1(new Y.Doc()));
  const step2 = await socket.next(isSyncStep2, 0, { failOnClose: true });
  const isStep1 = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string" && decodeFrame(f).type === "sync_step1";
  const upToStep2 = socket.frames.slice(0, socket.frames.indexOf(step2) + 1);
  // The first step 1 is the room's at connect; a probe among the answer's frames would be a second.
  expect(upToStep2.filter(isStep1).length, "sync step 1 frames up to the answer's step 2").toBe(1);
  expect(upToStep2.filter((f) => typeof f !== "string" && decodeFrame(f).type === "update").length, "the answer's frames").toBe(2);
  await socket.next(isStep1, socket.frames.indexOf(step2) + 1, { failOnClose: true });
  socket.close();
  writer.socket.close();
});
