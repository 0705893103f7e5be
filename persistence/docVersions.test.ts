import { describe, expect, it } from "vitest";
import { versionsToPrune } from "./docVersions.ts";

const versions = (...bytes: number[]) => bytes.map((b, i) => ({ id: `v${i}`, bytes: b }));

describe("versionsToPrune", () => {
  it("keeps the newest maxVersions and prunes the older ones, oldest first", () => {
    expect(versionsToPrune(versions(1, 1, 1, 1, 1), { maxVersions: 3, maxBytes: 100 })).toEqual(["v0", "v1"]);
    expect(versionsToPrune(versions(1, 1, 1), { maxVersions: 3, maxBytes: 100 })).toEqual([]);
  });

  it("prunes past the byte budget, leaving no gap in the history", () => {
    // v3 + v2 = 60 fit in 64; v1 would make 100, so v1 and everything older go, though v0 alone would fit.
    expect(versionsToPrune(versions(1, 40, 30, 30), { maxVersions: 50, maxBytes: 64 })).toEqual(["v0", "v1"]);
  });

  it("always keeps the newest version, even alone over the budget", () => {
    expect(versionsToPrune(versions(10, 100), { maxVersions: 50, maxBytes: 64 })).toEqual(["v0"]);
    expect(versionsToPrune(versions(100), { maxVersions: 50, maxBytes: 64 })).toEqual([]);
  });
});
