import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  FrameError,
  decodeFrame,
  encodeAwareness,
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

  it("round-trips awareness entries untouched", () => {
    const entries = [
      { clientId: 7, clock: 3, stateJson: '{"user":{"name":"Ada"}}' },
      { clientId: 9, clock: 1, stateJson: "null" },
    ];
    expect(decodeFrame(encodeAwareness(entries))).toEqual({ type: "awareness", entries });
    expect(decodeFrame(encodeQueryAwareness())).toEqual({ type: "query_awareness" });
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
