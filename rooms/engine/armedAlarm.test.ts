import { describe, expect, it } from "vitest";
import { ArmedAlarm } from "./armedAlarm.ts";

describe("ArmedAlarm", () => {
  const scheduler = { setAlarm: async () => {} };

  it("covers later deadlines with the alarm it set, until that alarm runs or is forgotten", async () => {
    const alarm = new ArmedAlarm();
    expect(alarm.covers(0, 5_000)).toBe(false);
    await alarm.set(scheduler, 1_000);
    expect(alarm.covers(500, 1_000, null, 5_000)).toBe(true);
    expect(alarm.covers(500, 900)).toBe(false);
    alarm.forget();
    expect(alarm.covers(500, 5_000)).toBe(false);
  });

  it("does not trust an alarm already due: its run may have failed before the room could forget it", async () => {
    const alarm = new ArmedAlarm();
    await alarm.set(scheduler, 1_000);
    // Never forgotten (the handler failed before it reached the room): a join at 1,500 sets the alarm again.
    expect(alarm.covers(1_500, 5_000)).toBe(false);
  });
});
