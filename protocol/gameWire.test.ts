import { describe, expect, it } from "vitest";
import { decodeWireFrame, WireKind, type WireKeys } from "./gameWire.ts";
import { KeyTable, assembleFrame, encodeFrameEvents, withAck, withPlayerPart, writeChange, writeSet } from "./gameWireEncode.ts";
import { ByteWriter, WireError } from "./wireBytes.ts";

/** A seeded generator, so a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A random JSON view: nested objects with shared and fresh keys, numbers of every kind, strings, arrays. */
function randomView(rand: () => number, depth = 0): unknown {
  const pick = rand();
  if (depth > 2 || pick < 0.45) {
    const leaf = rand();
    if (leaf < 0.3) return Math.round((rand() - 0.5) * 2000);
    if (leaf < 0.45) return (rand() - 0.5) * 1e6;
    if (leaf < 0.55) return rand() < 0.5;
    if (leaf < 0.62) return null;
    if (leaf < 0.75) return ["é", "", "gem", "x".repeat(200)][Math.floor(rand() * 4)];
    if (leaf < 0.85) return [1, "a", { x: 2.5 }, [null, true]].slice(0, Math.floor(rand() * 4));
    return Number.MAX_SAFE_INTEGER * (rand() < 0.5 ? -1 : 1);
  }
  const out: Record<string, unknown> = {};
  const names = ["x", "y", "score", "p1", "p2", "players", "__proto__", "g" + Math.floor(rand() * 50)];
  for (let i = Math.floor(rand() * 6); i > 0; i--) out[names[Math.floor(rand() * names.length)]!] = randomView(rand, depth + 1);
  return out;
}

/** One frame as the server builds it, read by a client holding `base` and `keys`. */
function roundTrip(table: KeyTable, keys: WireKeys, base: unknown, next: unknown, from: number, isFull: boolean) {
  const w = new ByteWriter();
  if (isFull) writeSet(w, table, -1, next);
  else writeChange(w, table, -1, base, next);
  const frame = assembleFrame(isFull ? WireKind.FULL : WireKind.DELTA, 7, isFull ? "m1" : null, table, isFull ? 0 : from, w.copy());
  return decodeWireFrame(withAck(frame, 42), base, keys);
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("binary game wire", () => {
  it("rebuilds random views exactly through full frames and chains of deltas", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = random(seed);
      const table = new KeyTable();
      const keys: WireKeys = { names: [], steps: [] };
      let view = randomView(rand);
      let seen = roundTrip(table, keys, null, view, 0, true);
      expect(seen.view, `seed ${seed} full`).toEqual(json(view));
      expect([seen.isFull, seen.tick, seen.ack, seen.matchId]).toEqual([true, 7, 42, "m1"]);
      for (let step = 0; step < 5; step++) {
        const next = randomView(rand);
        seen = roundTrip(table, keys, seen.view, next, keys.names.length, false);
        expect(seen.view, `seed ${seed} delta ${step}`).toEqual(json(next));
        view = next;
      }
    }
  });

  it("keeps quantised numbers within half a step, and sends nothing for moves under the step", () => {
    const precision = { x: 0.5, t: 50 };
    const rand = random(9);
    const table = new KeyTable(precision);
    const keys: WireKeys = { names: [], steps: [] };
    let seen = roundTrip(table, keys, null, { p: { x: 1, t: 60_000 } }, 0, true).view as { p: { x: number; t: number } };
    for (let i = 0; i < 500; i++) {
      const next = { p: { x: (rand() - 0.5) * 10_000, t: Math.round(rand() * 60_000) } };
      seen = roundTrip(table, keys, seen, next, keys.names.length, false).view as typeof seen;
      expect(Math.abs(seen.p.x - next.p.x)).toBeLessThanOrEqual(0.25 + 1e-9);
      expect(Math.abs(seen.p.t - next.p.t)).toBeLessThanOrEqual(25);
    }
    const w = new ByteWriter();
    expect(writeChange(w, table, -1, { p: { x: 10.1 } }, { p: { x: 10.2 } })).toBe(false);
    expect(w.length).toBe(0);
  });

  it("spends a few bytes per moving entity: 100 players moving and an ack under Colyseus' 1,080", () => {
    const players = (shift: number) => Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`player-${i}`, { x: 100 + i + shift, y: 300 - shift, score: i }]));
    const table = new KeyTable({ x: 1, y: 1, timeLeftMs: 50 });
    const w = new ByteWriter();
    writeSet(w, table, -1, { timeLeftMs: 60_000, players: players(0) });
    w.length = 0;
    writeChange(w, table, -1, { timeLeftMs: 60_000, players: players(0) }, { timeLeftMs: 59_950, players: players(12) });
    const frame = withAck(assembleFrame(WireKind.DELTA, 1200, null, table, table.size, w.copy()), 1234);
    expect(frame.length).toBeLessThan(800);
  });

  it("refuses a frame that is cut short, names an unknown key, or is out of step with the key table", () => {
    const table = new KeyTable();
    const w = new ByteWriter();
    writeSet(w, table, -1, { a: { b: "text" } });
    const full = assembleFrame(WireKind.FULL, 1, null, table, 0, w.copy());
    for (let cut = 1; cut < full.length; cut++) {
      expect(() => decodeWireFrame(full.subarray(0, cut), null, { names: [], steps: [] }), `cut at ${cut}`).toThrow(WireError);
    }
    const delta = assembleFrame(WireKind.DELTA, 2, null, table, 0, w.copy());
    expect(() => decodeWireFrame(delta, {}, { names: ["a"], steps: [0] })).toThrow(/out of step/);
    expect(() => decodeWireFrame(Uint8Array.of(WireKind.DELTA, 1, 0, 0, 1, 9 * 8 + 4, 0), {}, { names: [], steps: [] })).toThrow(/unknown key/);
    expect(() => decodeWireFrame(Uint8Array.of(9), {}, { names: [], steps: [] })).toThrow(/kind/);
  });

  it("leaves the client's previous view untouched and keeps __proto__ an own key", () => {
    const table = new KeyTable();
    const keys: WireKeys = { names: [], steps: [] };
    const first = roundTrip(table, keys, null, { a: { n: 1 } }, 0, true).view as { a: { n: number } };
    const second = roundTrip(table, keys, first, JSON.parse('{"a":{"n":2},"__proto__":{"polluted":1}}'), keys.names.length, false).view as Record<string, unknown>;
    expect(first.a.n).toBe(1);
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
    expect(Object.hasOwn(second, "__proto__")).toBe(true);
  });
});

describe("a player's ack in front of a shared frame", () => {
  it("reads back every ack size, up to the largest safe seq", () => {
    const table = new KeyTable();
    const shared = assembleFrame(WireKind.DELTA, 3, null, table, 0, new Uint8Array(0));
    for (const ack of [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      expect(decodeWireFrame(withAck(shared, ack), {}, { names: [], steps: [] })).toMatchObject({ ack, tick: 3, isFull: false });
    }
  });
});

describe("a tick's events inside a binary2 frame", () => {
  const table = new KeyTable();
  const full = (() => {
    const w = new ByteWriter();
    writeSet(w, table, -1, { x: 1, name: "é" });
    return assembleFrame(WireKind.FULL, 7, "m1", table, 0, w.copy());
  })();
  const events = [{ type: "gem", playerId: "p1", score: 3 }, "é", null];

  it("reads back the events, the ack and the view, for a player and a spectator, at every ack size", () => {
    for (const ack of [null, 0, 127, 128, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      const decoded = decodeWireFrame(withPlayerPart(full, ack, encodeFrameEvents(events)), null, { names: [], steps: [] });
      expect(decoded).toEqual({ isFull: true, tick: 7, ack, matchId: "m1", view: { x: 1, name: "é" }, events });
    }
  });

  it("leaves a frame without events as withAck made it, and refuses events that are not a JSON list", () => {
    expect(withPlayerPart(full, 5, null)).toEqual(withAck(full, 5));
    expect(withPlayerPart(full, null, null)).toBe(full);
    expect(decodeWireFrame(full, null, { names: [], steps: [] })).not.toHaveProperty("events");
    const w = new ByteWriter();
    w.string('{"not":"a list"}');
    expect(() => decodeWireFrame(withPlayerPart(full, 1, w.copy()), null, { names: [], steps: [] })).toThrow(WireError);
    w.length = 0;
    w.string("{oops");
    expect(() => decodeWireFrame(withPlayerPart(full, 1, w.copy()), null, { names: [], steps: [] })).toThrow(WireError);
  });
});
