// What a join costs the room's storage (issue 17: 500 players joining took 2.3x Colyseus' time, and a
// join read every seat row three or four times). The seats are read once per instance and written
// through; the alarm reads them again, so its expiry works from the store's record.
import { describe, expect, it } from "vitest";
import { crowd } from "../../../games/crowd.ts";
import { GameLimits } from "../../../protocol/index.ts";
import { gameHarness } from "./gameHarness.ts";

/** Counts the room's statements that read the seat table while `work` runs. */
async function seatReads(room: ReturnType<typeof gameHarness>, work: () => Promise<unknown>): Promise<number> {
  const exec = room.db.sql.exec;
  let reads = 0;
  room.db.sql.exec = ((query: string, ...bindings: never[]) => {
    if (/SELECT .* FROM game_seat/.test(query)) reads += 1;
    return exec.call(room.db.sql, query, ...bindings);
  }) as typeof exec;
  try {
    await work();
  } finally {
    room.db.sql.exec = exec;
  }
  return reads;
}

describe("a join", () => {
  it("reads no seat rows once the room has read them; the store keeps every seat, and the alarm expires held ones", async () => {
    const room = gameHarness(crowd);
    for (let i = 0; i < 30; i++) await room.join(`p${i}`);
    expect(await seatReads(room, () => room.join("late"))).toBe(0);
    const seated = room.engine.admin.describe().seats.map((s) => s.playerId);
    expect(seated).toHaveLength(31);

    // A new instance on the same database finds every seat in the store.
    const dropped = await room.join("leaver");
    await room.close(dropped);
    room.reload();
    expect(room.engine.admin.describe().seats.map((s) => s.playerId)).toEqual([...seated, "leaver"]);
    expect(room.engine.admin.describe().seats.find((s) => s.playerId === "leaver")?.droppedAt).not.toBeNull();
    room.clock.advance(GameLimits.SEAT_HOLD_MS);
    await room.alarm();
    expect(room.engine.admin.describe().seats.map((s) => s.playerId)).toEqual(seated);
  });
});
