import { describe, expect, it } from "vitest";
import { decodeWireFrame, type WireKeys } from "../../protocol/gameWire.ts";
import { MAX_WIRE_KEYS, WireSync } from "./wireSync.ts";

describe("WireSync", () => {
  it(`starts the key table again past ${MAX_WIRE_KEYS} keys: everyone gets a full frame, and decodes on`, () => {
    const sync = new WireSync();
    const keys: WireKeys = { names: [], steps: [] };
    let seen: unknown = null;
    const kinds: boolean[] = [];
    // Entities named by ever-new ids, as arena's gems are: 100 new keys a tick.
    for (let tick = 1; tick <= 15; tick++) {
      const view = { items: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`e${tick * 100 + i}`, i])) };
      sync.beginTick(tick, "m1");
      const frame = decodeWireFrame(sync.next("a", null, tick, view)!, seen, keys);
      seen = frame.view;
      kinds.push(frame.isFull);
      expect(seen).toEqual(view);
      expect(keys.names.length).toBeLessThanOrEqual(MAX_WIRE_KEYS + 100 + 2);
    }
    // Full at the first tick, then deltas until the table passed the bound, then full once.
    expect(kinds.filter(Boolean).length).toBe(2);
    expect(kinds.indexOf(true, 1)).toBe(11);
  });

  it("sends the same shared bytes to every spectator, and nothing when neither view nor ack changed", () => {
    const sync = new WireSync();
    for (const id of ["s1", "s2"]) sync.beginTick(1, "m1"), sync.next(id, null, null, { n: 1 });
    sync.beginTick(2, "m1");
    const a = sync.next("s1", null, null, { n: 2 });
    const b = sync.next("s2", null, null, { n: 2 });
    expect(a).toBe(b);
    sync.beginTick(3, "m1");
    expect(sync.next("s1", null, null, { n: 2 })).toBeNull();
  });
});
