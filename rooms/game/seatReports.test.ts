import { afterEach, describe, expect, it, vi } from "vitest";
import { SEAT_REPORT_INTERVAL_MS, SeatReporter } from "./seatReports.ts";

afterEach(() => vi.useRealTimers());

describe("SeatReporter: at most one report per interval", () => {
  it("sends the first report at once, then only the newest of those within the interval", () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const reporter = new SeatReporter((_region, seated) => sent.push([...seated]));
    reporter.report("any", ["a"], 4);
    expect(sent).toEqual([["a"]]);
    reporter.report("any", ["a", "b"], 4);
    reporter.report("any", ["a", "b", "c"], 4);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toEqual([["a"], ["a", "b", "c"]]);
    // Nothing new: the interval passes without a report, and the next one goes at once.
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toHaveLength(2);
    reporter.report("any", [], 4);
    expect(sent).toEqual([["a"], ["a", "b", "c"], []]);
  });
});
