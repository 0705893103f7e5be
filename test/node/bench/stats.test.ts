import { describe, expect, it } from "vitest";
// @ts-expect-error the bench is plain JavaScript without declarations
import { summarize } from "../../../bench/stats.mjs";

describe("bench summarize", () => {
  it("reports null for a figure when any run had none, the first included", () => {
    const runs = [
      { converged: false, convergeMs: null, freshSyncMs: null },
      { converged: true, convergeMs: 10, freshSyncMs: 5 },
      { converged: true, convergeMs: 20, freshSyncMs: 6 },
    ];
    expect(summarize(runs)).toEqual({ converged: false, convergeMs: null, freshSyncMs: null });
  });

  it("takes the median when every run has a figure", () => {
    const runs = [{ ok: true, ms: 30 }, { ok: true, ms: 10 }, { ok: true, ms: 20 }];
    expect(summarize(runs)).toEqual({ ok: true, ms: 20 });
  });
});
