import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  FrameError,
  decodeFrame,
  encodeAwareness,
  encodeAwarenessFrames,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  isEmptyUpdate,
} from "./frames.ts";

describe("y-protocols frames", () => {
  it("round-trips sync step 1 and step 2", () => {
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "abc");
    const step1 = decodeFrame(encodeSyncStep1(doc));
    expect(step1.type).toBe("sync_step1");
    const step2 = decodeFrame(encodeSyncStep2(doc, new Uint8Array([0])));
    expect(step2).toMatchObject({ type: "update", isSyncReply: true });
    const mirror = new Y.Doc();
    if (step2.type === "update") Y.applyUpdate(mirror, step2.update);
    expect(mirror.getText("t").toString()).toBe("abc");
  });

  it("round-trips awareness entries, each state parsed", () => {
    const entries = [
      { clientId: 7, clock: 3, stateJson: '{"user":{"name":"Adà"}}' },
      { clientId: 9, clock: 1, stateJson: "null" },
    ];
    expect(decodeFrame(encodeAwareness(entries))).toEqual({
      type: "awareness",
      entries: [
        { ...entries[0], state: { user: { name: "Adà" } }, stateBytes: 24 },
        { ...entries[1], state: null, stateBytes: 4 },
      ],
    });
    expect(decodeFrame(encodeQueryAwareness())).toEqual({ type: "query_awareness" });
  });

  it.each(["{not json", "[1]", '"text"', "42", ""])("refuses an awareness state %j with FrameError: states are JSON objects or null", (stateJson) => {
    expect(() => decodeFrame(encodeAwareness([{ clientId: 1, clock: 1, stateJson }]))).toThrow(FrameError);
  });

  it("splits awareness entries into frames under a bound, and answers nothing with one empty frame", () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ clientId: i, clock: 1, stateJson: JSON.stringify({ pad: "y".repeat(1000) }) }));
    const frames = encodeAwarenessFrames(entries, 4096);
    expect(frames.length).toBeGreaterThan(2);
    for (const f of frames) expect(f.byteLength).toBeLessThanOrEqual(4096);
    expect(frames.flatMap((f) => { const d = decodeFrame(f); return d.type === "awareness" ? d.entries.map((e) => e.clientId) : []; })).toEqual(entries.map((e) => e.clientId));
    expect(encodeAwarenessFrames([], 4096).map((f) => decodeFrame(f))).toEqual([{ type: "awareness", entries: [] }]);
  });

  it.each([
    ["empty frame", []],
    ["unknown message type", [9]],
    ["unknown sync step", [0, 5, 0]],
    ["truncated length", [0, 2, 200]],
    ["update that is not Yjs", [0, 2, 3, 255, 255, 255]],
    ["trailing bytes", [3, 0]],
  ])("refuses a %s with FrameError", (_name, bytes) => {
    expect(() => decodeFrame(new Uint8Array(bytes))).toThrow(FrameError);
  });

  it("tells an empty update from a real one", () => {
    const doc = new Y.Doc();
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(true);
    doc.getText("t").insert(0, "x");
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(false);
    const deletion = new Y.Doc();
    Y.applyUpdate(deletion, Y.encodeStateAsUpdate(doc));
    const sv = Y.encodeStateVector(deletion);
    deletion.getText("t").delete(0, 1);
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(deletion, sv))).toBe(false);
  });

  it("wraps an update so a stock client can read it", () => {
    const frame = decodeFrame(encodeUpdate(new Uint8Array([0, 0])));
    expect(frame).toEqual({ type: "update", update: new Uint8Array([0, 0]), isSyncReply: false });
  });
});
