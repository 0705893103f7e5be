import { describe, expect, it } from "vitest";
import { DocLimits } from "../../protocol/index.ts";
import { AwarenessRelay } from "./awarenessRelay.ts";
import { decodeFrame, encodeAwareness, type ReceivedAwarenessEntry } from "./frames.ts";

const ada = { id: "ada-1", name: "Ada" };

/** Entries exactly as the room receives them: encoded, then decoded and checked. */
function received(...entries: { clientId: number; clock: number; stateJson: string }[]): ReceivedAwarenessEntry[] {
  const frame = decodeFrame(encodeAwareness(entries));
  if (frame.type !== "awareness") throw new Error("not an awareness frame");
  return frame.entries;
}

describe("AwarenessRelay", () => {
  it("keeps the newest state per client and drops stale ones", () => {
    const relay = new AwarenessRelay();
    expect(relay.apply(received({ clientId: 1, clock: 2, stateJson: '{"at":"b"}' }), ada).accepted).toHaveLength(1);
    expect(relay.apply(received({ clientId: 1, clock: 1, stateJson: '{"at":"a"}' }), ada).accepted).toHaveLength(0);
    expect(relay.states()).toEqual([{ clientId: 1, clock: 2, stateJson: '{"at":"b","user":{"id":"ada-1","name":"Ada"}}' }]);
  });

  it("encodes the room's presence for a joiner once until it changes", () => {
    const relay = new AwarenessRelay();
    relay.apply(received({ clientId: 1, clock: 1, stateJson: '{"at":"a"}' }), ada);
    const frames = relay.frames();
    expect(relay.frames(), "a second joiner with no change between").toBe(frames);
    relay.apply(received({ clientId: 2, clock: 1, stateJson: '{"at":"b"}' }), ada);
    const changed = relay.frames();
    expect(changed).not.toBe(frames);
    expect(changed.flatMap((f) => { const d = decodeFrame(f); return d.type === "awareness" ? d.entries.map((e) => e.clientId) : []; }).sort()).toEqual([1, 2]);
    relay.removalsFor(new Map([[1, 1]]));
    expect(relay.frames()).not.toBe(changed);
    expect(relay.size).toBe(1);
  });

  it("forgets a client that sends null", () => {
    const relay = new AwarenessRelay();
    relay.apply(received({ clientId: 1, clock: 1, stateJson: "{}" }), ada);
    relay.apply(received({ clientId: 1, clock: 2, stateJson: "null" }), ada);
    expect(relay.states()).toEqual([]);
    expect(relay.totalBytes).toBe(0);
  });

  it("announces departures with a clock above the last one seen, so every peer accepts them", () => {
    const relay = new AwarenessRelay();
    relay.apply(received({ clientId: 5, clock: 9, stateJson: "{}" }), ada);
    expect(relay.removalsFor(new Map([[5, 4]]))).toEqual([{ clientId: 5, clock: 10, stateJson: "null" }]);
    expect(relay.states()).toEqual([]);
    expect(relay.totalBytes).toBe(0);
  });

  it("keeps at most MAX_ROOM_PRESENCE_BYTES of states, and a replaced state frees its old share", () => {
    const relay = new AwarenessRelay();
    const state = JSON.stringify({ pad: "x".repeat(7 * 1024) });
    let refused = 0;
    for (let id = 1; id <= 40; id++) refused += relay.apply(received({ clientId: id, clock: 1, stateJson: state }), ada).overRoomBound;
    expect(relay.totalBytes).toBeLessThanOrEqual(DocLimits.MAX_ROOM_PRESENCE_BYTES);
    expect(refused).toBe(40 - relay.states().length);
    expect(refused).toBeGreaterThan(0);
    // The same client replacing its state by one of the same size fits, though the room is full.
    expect(relay.apply(received({ clientId: 1, clock: 2, stateJson: state }), ada).accepted).toHaveLength(1);
  });

  it("sends its states in frames of at most MAX_PRESENCE_FRAME_BYTES", () => {
    const relay = new AwarenessRelay();
    for (let id = 1; id <= 30; id++) relay.apply(received({ clientId: id, clock: 1, stateJson: JSON.stringify({ pad: "x".repeat(8000) }) }), ada);
    const frames = relay.frames();
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(frame.byteLength).toBeLessThanOrEqual(DocLimits.MAX_PRESENCE_FRAME_BYTES);
    const ids = frames.flatMap((f) => { const d = decodeFrame(f); return d.type === "awareness" ? d.entries.map((e) => e.clientId) : []; });
    expect(ids).toEqual(relay.states().map((e) => e.clientId));
    expect(new AwarenessRelay().frames(), "an empty room still answers a query").toHaveLength(1);
  });
});
