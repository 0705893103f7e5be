import { describe, expect, it, vi } from "vitest";
// @ts-expect-error the bench is plain JavaScript without declarations
import { alternate } from "../../../bench/floorsRun.mjs";
// @ts-expect-error the bench is plain JavaScript without declarations
import { summarizeRuns } from "../../../bench/stats.mjs";

type Entry = { name: string };

describe("the floors run's alternated rounds", () => {
  it("takes the systems in turn, round by round, after one warm-up each", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const calls: string[] = [];
    const results: Record<string, unknown> = {};
    await alternate(results, ["fanOut", 100], [{ name: "edgeroom" }, { name: "relay" }], 3, async (entry: Entry) => {
      calls.push(entry.name);
      return { ms: 1 };
    });
    expect(calls).toEqual(["edgeroom", "relay", "edgeroom", "relay", "edgeroom", "relay", "edgeroom", "relay"]);
    expect(results).toEqual({ fanOut: { 100: { edgeroom: { ms: 1 }, relay: { ms: 1 } } } });
  });

  it("gives each figure the median of its rounds' ratios to the reference, beside the ratio of medians", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    // Round 2 is slow on both (the machine's load); round 3 on Edgeroom alone.
    const edgeroom = [10, 44, 30];
    const relay = [8, 40, 10];
    const rounds = { edgeroom: [...edgeroom], relay: [...relay] };
    const results: Record<string, Record<string, Record<string, number>>> = {};
    await alternate(results, ["fanOut"], [{ name: "edgeroom" }, { name: "relay" }], 3, async (entry: Entry) => ({ ms: rounds[entry.name as "edgeroom" | "relay"].shift() }), {
      warm: false,
      reference: "relay",
      ratioOf: ["ms"],
    });
    expect(results.fanOut.edgeroom.ms).toBe(30);
    expect(results.fanOut.relay.ms).toBe(10);
    // Medians 30 against 10, 3x; the rounds' ratios 1.25, 1.1 and 3: median 1.25.
    expect(results.fanOut.edgeroom.msRoundRatio).toBeCloseTo(1.25);
    expect(results.fanOut.relay.msRoundRatio).toBeUndefined();
  });

  it("reports a system whose round failed as failed, not as the median of the rest", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    let round = 0;
    const results: Record<string, Record<string, unknown>> = {};
    await alternate(results, ["typing"], [{ name: "edgeroom" }], 3, async () => {
      round += 1;
      if (round === 2) throw new Error("socket closed 1006");
      return { p99Ms: round };
    }, { warm: false });
    expect(results.typing.edgeroom).toEqual({ error: "Error: socket closed 1006" });
  });
});

describe("summarizeRuns", () => {
  it("pools a fan-out's per-message delays over its runs into one p99", () => {
    // 3 runs of 50 messages: each run's p99 is its largest delay; pooled, the p99 of 150 is the second largest.
    const run = (worst: number) => ({ lastReceiverP99Ms: worst, lastReceiverMs: [...Array.from({ length: 49 }, () => 1), worst] });
    const summary = summarizeRuns([run(30), run(20), run(10)]);
    expect(summary.lastReceiverP99Ms).toBe(20);
    expect(summary.pooledLastReceiverP99Ms).toBe(20);
    expect(summary.lastReceiverMs).toBeUndefined();
    // Two late messages in one run: the median of the runs' p99s misses them, the pooled p99 does not.
    const calm = { lastReceiverP99Ms: 1, lastReceiverMs: Array.from({ length: 50 }, () => 1) };
    const stalled = { lastReceiverP99Ms: 50, lastReceiverMs: [...Array.from({ length: 48 }, () => 1), 40, 50] };
    const skewed = summarizeRuns([stalled, calm, calm]);
    expect(skewed.lastReceiverP99Ms).toBe(1);
    expect(skewed.pooledLastReceiverP99Ms).toBe(40);
  });

  it("adds no pooled figure when a run has no delays (a scenario other than fan-out)", () => {
    expect(summarizeRuns([{ p99Ms: 3 }, { p99Ms: 5 }, { p99Ms: 4 }])).toEqual({ p99Ms: 4 });
  });
});
