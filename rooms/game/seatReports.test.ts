import { afterEach, describe, expect, it, vi } from "vitest";
import type { SeatReport } from "./gameCore.ts";
import { MAX_GONE_PER_REPORT, SEAT_REPORT_INTERVAL_MS, SeatReporter } from "./seatReports.ts";

/** A report of `seated` (nobody held) out of `maxPlayers`. */
const seats = (seated: string[], maxPlayers: number): SeatReport => ({ region: "any", seated, maxPlayers, held: 0 });

afterEach(() => vi.useRealTimers());

describe("SeatReporter: at most one report per interval", () => {
  it("sends the first report at once, then only the newest of those within the interval", () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const reporter = new SeatReporter(({ seated }) => sent.push([...seated]));
    reporter.report(seats(["a"], 4));
    expect(sent).toEqual([["a"]]);
    reporter.report(seats(["a", "b"], 4));
    reporter.report(seats(["a", "b", "c"], 4));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toEqual([["a"], ["a", "b", "c"]]);
    // Nothing new: the interval passes without a report, and the next one goes at once.
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toHaveLength(2);
    reporter.report(seats([], 4));
    expect(sent).toEqual([["a"], ["a", "b", "c"], []]);
  });

  it("names in its next report a player who sat and left within the interval, so their reservation is used up", () => {
    vi.useFakeTimers();
    const sent: { seated: string[]; arrived: string[] }[] = [];
    const reporter = new SeatReporter(({ seated }, arrived) => sent.push({ seated: [...seated], arrived: [...arrived] }));
    reporter.report(seats(["a"], 2));
    reporter.report(seats([], 2)); // a left
    reporter.report(seats(["b"], 2)); // b sat
    reporter.report(seats([], 2)); // and left, all within the interval
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toEqual([
      { seated: ["a"], arrived: ["a"] },
      { seated: [], arrived: ["b"] },
    ]);
  });

  it("names players who came and left without a seat, so their reservations end, at most MAX_GONE_PER_REPORT in a report", () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const reporter = new SeatReporter((_report, arrived) => sent.push([...arrived]));
    reporter.report({ ...seats([], 2), gone: ["walked-away"] });
    expect(sent).toEqual([["walked-away"]]);
    // A flood of sockets that open and close unseated within one interval: the next report names a bounded number.
    const flood = Array.from({ length: MAX_GONE_PER_REPORT + 10 }, (_, i) => `g${i}`);
    reporter.report({ ...seats([], 2), gone: flood.slice(0, 100) });
    reporter.report({ ...seats([], 2), gone: flood.slice(100) });
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(flood.slice(0, MAX_GONE_PER_REPORT));
  });

  it("sends at once, once, the report that leaves every seat held for a dropped player, so quick joins stop going there", () => {
    vi.useFakeTimers();
    const sent: { seated: string[]; held: number }[] = [];
    const reporter = new SeatReporter(({ seated, held }) => sent.push({ seated: [...seated], held }));
    reporter.report(seats(["ann"], 2)); // Ann sits: sent at once, the interval starts
    reporter.report({ ...seats(["ann"], 2), held: 1 }); // her tab closes within it
    expect(sent).toEqual([{ seated: ["ann"], held: 0 }, { seated: ["ann"], held: 1 }]);
    // She is back and gone again within the same interval: that waits, as any report does.
    reporter.report(seats(["ann"], 2));
    reporter.report({ ...seats(["ann"], 2), held: 1 });
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent.at(-1)).toEqual({ seated: ["ann"], held: 1 });
    expect(sent).toHaveLength(3);
    // Ann is back and Bob sits (sent after the wait); then Bob drops: Ann is present, so that waits too.
    reporter.report(seats(["ann", "bob"], 2));
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent).toHaveLength(4);
    reporter.report({ ...seats(["ann", "bob"], 2), held: 1 });
    expect(sent).toHaveLength(4);
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent.at(-1)).toEqual({ seated: ["ann", "bob"], held: 1 });
  });

  it("a room filling for a second, a join every 10 ms, reaches the matchmaker in at most two reports", () => {
    // Each report is a commit on the one matchmaker every quick join waits on; the joins' reservations
    // already count their seats, so a report per 50 ms (20 here) only added work in a join storm.
    vi.useFakeTimers();
    const sent: number[] = [];
    const reporter = new SeatReporter(({ seated }) => sent.push(seated.length));
    const seated: string[] = [];
    for (let ms = 0; ms < 1_000; ms += 10) {
      seated.push(`p${ms}`);
      reporter.report(seats([...seated], 100));
      vi.advanceTimersByTime(10);
    }
    expect(sent.length, "reports sent").toBeLessThanOrEqual(2);
    vi.advanceTimersByTime(SEAT_REPORT_INTERVAL_MS);
    expect(sent.at(-1), "the last report carries every seat").toBe(100);
  });
});
