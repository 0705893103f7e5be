// A game room keeps its tick rate when the runtime's timers fire late (issue 17: 18.6 ticks a second
// instead of 20 at 100 players): the room's tick loop runs on deadlines (rooms/game/tickLoop.ts).
import { describe, expect, it } from "vitest";
import { crowd } from "../../../games/crowd.ts";
import { gameHarness } from "./gameHarness.ts";

describe("a game room's ticks", () => {
  it("keep the game's rate when the runtime's timers fire late", async () => {
    const room = gameHarness(crowd);
    await room.join("p1");
    room.say((await room.join("p2")), { type: "input", seq: 1, input: { type: "move", dx: 1, dy: 0 } });
    const startTick = room.engine.admin.liveState().tick;
    // 10 s of a runtime whose timers each fire 9 ms late.
    const end = room.clock.elapsedMs() + 10_000;
    for (;;) {
      const next = [...room.scheduler.timers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at + 9 > end) break;
      room.clock.at = next.at + 9;
      room.scheduler.runDue();
    }
    expect(room.engine.admin.liveState().tick - startTick).toBeGreaterThanOrEqual(199);
  });
});
