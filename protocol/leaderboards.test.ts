import { describe, expect, it } from "vitest";
import { isPeriodKey, periodKey } from "./leaderboards.ts";

describe("leaderboard periods", () => {
  it.each([
    ["2026-11-23T10:00:00Z", "2026-11-23", "2026-W48"], // a Monday
    ["2026-11-22T23:59:59Z", "2026-11-22", "2026-W47"], // the Sunday before: the previous ISO week
    ["2027-01-01T00:00:00Z", "2027-01-01", "2026-W53"], // a Friday: still the last week of 2026
    ["2024-12-30T12:00:00Z", "2024-12-30", "2025-W01"], // a Monday: week 1 of the next ISO year
  ])("%s is day %s and ISO week %s", (time, day, week) => {
    const ms = Date.parse(time);
    expect(periodKey("all", ms)).toBe("all");
    expect(periodKey("daily", ms)).toBe(day);
    expect(periodKey("weekly", ms)).toBe(week);
  });

  it("recognises each period's key format", () => {
    expect(isPeriodKey("daily", "2026-11-23")).toBe(true);
    expect(isPeriodKey("daily", "2026-W48")).toBe(false);
    expect(isPeriodKey("weekly", "2026-W48")).toBe(true);
    expect(isPeriodKey("all", "all")).toBe(true);
  });
});
