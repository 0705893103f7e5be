import { describe, expect, it } from "vitest";
import { AwarenessRelay } from "./awarenessRelay.ts";

describe("AwarenessRelay", () => {
  it("keeps the newest state per client and drops stale ones", () => {
    const relay = new AwarenessRelay();
    expect(relay.apply([{ clientId: 1, clock: 2, stateJson: '"b"' }])).toHaveLength(1);
    expect(relay.apply([{ clientId: 1, clock: 1, stateJson: '"a"' }])).toHaveLength(0);
    expect(relay.states()).toEqual([{ clientId: 1, clock: 2, stateJson: '"b"' }]);
  });

  it("forgets a client that sends null", () => {
    const relay = new AwarenessRelay();
    relay.apply([{ clientId: 1, clock: 1, stateJson: "{}" }]);
    relay.apply([{ clientId: 1, clock: 2, stateJson: "null" }]);
    expect(relay.states()).toEqual([]);
  });

  it("announces departures with a clock above the last one seen, so every peer accepts them", () => {
    const relay = new AwarenessRelay();
    relay.apply([{ clientId: 5, clock: 9, stateJson: "{}" }]);
    expect(relay.removalsFor(new Map([[5, 4]]))).toEqual([{ clientId: 5, clock: 10, stateJson: "null" }]);
    expect(relay.states()).toEqual([]);
  });
});
