import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocLimits } from "../protocol/limits.ts";
import { CLIENT_FRAMES_PER_SECOND, CLIENT_FRAME_BURST, CLIENT_VIEWER_FRAMES_PER_SECOND, CLIENT_VIEWER_FRAME_BURST, OutboundBatcher, type BatcherClock } from "./outboundBatcher.ts";
import { refusedByRoomBucket } from "./test/roomBucket.ts";

/** A clock the test moves by hand, running due timers in order. */
function manualClock() {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 0;
  const clock: BatcherClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.push({ at: now + ms, run, id: ++nextId });
      return nextId;
    },
    clearTimeout: (id) => (timers = timers.filter((t) => t.id !== id)),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = Math.max(now, due.at);
      due.run();
    }
    now = end;
  };
  return { clock, advance };
}

function writer() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

describe("OutboundBatcher", () => {
  it("sends each update at once while the budget lasts", () => {
    const { clock } = manualClock();
    const sent: Uint8Array[] = [];
    const batcher = new OutboundBatcher({ sendUpdate: (u) => sent.push(u), sendAwareness: () => {} }, { clock });
    const { doc, updates } = writer();
    for (let i = 0; i < 10; i++) doc.getText("t").insert(i, "x");
    updates.forEach((u) => batcher.update(u));
    expect(sent).toEqual(updates);
    expect(batcher.hasPending).toBe(false);
  });

  it("sends every edit of a 500 edits/s writer in its own frame, at once", () => {
    const { clock, advance } = manualClock();
    const sent: { at: number; update: Uint8Array }[] = [];
    const batcher = new OutboundBatcher({ sendUpdate: (update) => sent.push({ at: clock.now(), update }), sendAwareness: () => {} }, { clock });
    const { doc, updates } = writer();
    const text = doc.getText("t");
    // A fast typist or a streaming client for 5 s: one transaction every 2 ms.
    for (let i = 0; i < 2_500; i++) {
      text.insert(text.length, "x");
      batcher.update(updates.pop()!);
      expect(batcher.hasPending).toBe(false);
      advance(2);
    }
    expect(sent).toHaveLength(2_500);
    expect(sent.every(({ at }, i) => at === i * 2)).toBe(true);
  });

  it("keeps a writer far past the budget under the room's rate limit, in order, losing nothing", () => {
    const { clock, advance } = manualClock();
    const sent: { at: number; update: Uint8Array }[] = [];
    const batcher = new OutboundBatcher({ sendUpdate: (update) => sent.push({ at: clock.now(), update }), sendAwareness: () => {} }, { clock });
    const { doc, updates } = writer();
    const text = doc.getText("t");
    // 5,000 edits per second for 2 s, one transaction each.
    for (let ms = 0; ms < 2000; ms++) {
      for (let i = 0; i < 5; i++) {
        text.insert(text.length, String(i));
        batcher.update(updates.pop()!);
      }
      advance(1);
    }
    advance(1000);
    expect(batcher.hasPending).toBe(false);
    // The room allows MESSAGE_BURST at once, then MESSAGES_PER_SECOND.
    const allowed = DocLimits.MESSAGE_BURST + (DocLimits.MESSAGES_PER_SECOND * 3000) / 1000;
    expect(sent.length).toBeLessThanOrEqual(allowed);
    expect(sent.length).toBeLessThanOrEqual(CLIENT_FRAME_BURST + CLIENT_FRAMES_PER_SECOND * 3 + 1);
    // The room's own bucket, fed the frames at the times they left, never refuses one.
    expect(refusedByRoomBucket(sent.map(({ at }) => at), DocLimits.MESSAGE_BURST, DocLimits.MESSAGES_PER_SECOND)).toEqual([]);
    const remote = new Y.Doc();
    for (const { update } of sent) Y.applyUpdate(remote, update);
    expect(remote.getText("t").toString()).toBe(text.toString());
    expect(text.length).toBe(10_000);
  });

  it("keeps a viewer's presence at 240 moves a second under the room's viewer bound once limited to the viewer budget", () => {
    const { clock, advance } = manualClock();
    const sent: number[] = [];
    const batcher = new OutboundBatcher({ sendUpdate: () => {}, sendAwareness: () => sent.push(clock.now()) }, { clock });
    batcher.limitTo(CLIENT_VIEWER_FRAMES_PER_SECOND, CLIENT_VIEWER_FRAME_BURST);
    // A cursor on a 240 Hz display for 20 s: far past the burst at the room's viewer rate.
    for (let ms = 0; ms < 20_000; ms += 4) {
      batcher.awareness([7]);
      advance(4);
    }
    advance(1000);
    expect(batcher.hasPending).toBe(false);
    expect(refusedByRoomBucket(sent, DocLimits.VIEWER_MESSAGE_BURST, DocLimits.VIEWER_MESSAGES_PER_SECOND)).toEqual([]);
    // Presence still moves: about the budget's rate, not one frame at the end.
    expect(sent.length).toBeGreaterThan(CLIENT_VIEWER_FRAMES_PER_SECOND * 15);
  });

  it("holds presence behind held updates and merges it per client", () => {
    const { clock, advance } = manualClock();
    const log: string[] = [];
    const batcher = new OutboundBatcher(
      { sendUpdate: () => log.push("update"), sendAwareness: (clients) => log.push(`awareness ${clients.join(",")}`) },
      { clock, ratePerSecond: 10, burst: 1 },
    );
    batcher.update(new Uint8Array([0, 0]));
    batcher.awareness([7]);
    batcher.awareness([7, 8]);
    expect(log).toEqual(["update"]);
    advance(100);
    expect(log).toEqual(["update", "awareness 7,8"]);
  });

  it("flushes on demand and drops on clear", () => {
    const { clock, advance } = manualClock();
    const sent: Uint8Array[] = [];
    const batcher = new OutboundBatcher({ sendUpdate: (u) => sent.push(u), sendAwareness: () => {} }, { clock, ratePerSecond: 1, burst: 1 });
    const { doc, updates } = writer();
    doc.getText("t").insert(0, "a");
    doc.getText("t").insert(1, "b");
    doc.getText("t").insert(2, "c");
    updates.forEach((u) => batcher.update(u));
    expect(sent).toHaveLength(1);
    batcher.flush();
    expect(sent).toHaveLength(2);
    const remote = new Y.Doc();
    sent.forEach((u) => Y.applyUpdate(remote, u));
    expect(remote.getText("t").toString()).toBe("abc");
    doc.getText("t").insert(3, "d");
    batcher.update(updates.at(-1)!);
    batcher.clear();
    advance(5000);
    expect(sent).toHaveLength(2);
  });
});
