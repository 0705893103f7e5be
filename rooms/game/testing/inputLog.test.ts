// A tick's inputs reach the match log in one write (issue 17: CPU per tick was spent per input, one
// INSERT each), in arrival order and in the tick's transaction: the log replays to the live hash and
// a new engine on the same database resumes with the same acks and state.
import { describe, expect, it } from "vitest";
import { crowd } from "../../../games/crowd.ts";
import { hashState, replayMatch } from "../../../protocol/index.ts";
import { gameHarness, type TestSocket } from "./gameHarness.ts";

const move = (seq: number, dx: number, dy: number) => ({ type: "input", seq, input: { type: "move", dx, dy } });

describe("the match log's inputs", () => {
  it("are written with one statement per tick, in arrival order, and replay to the live hash", async () => {
    const room = gameHarness(crowd);
    const players: TestSocket[] = [];
    for (let i = 0; i < 30; i++) players.push(await room.join(`p${i}`));
    room.tick();
    const statements: string[] = [];
    const exec = room.db.sql.exec.bind(room.db.sql);
    room.db.sql.exec = ((query: string, ...bindings: never[]) => {
      statements.push(query);
      return exec(query, ...bindings);
    }) as typeof room.db.sql.exec;
    for (let round = 1; round <= 3; round++) {
      // Arrival order differs from seat order, and a stale seq is not logged.
      for (let i = players.length - 1; i >= 0; i--) room.say(players[i]!, move(round, (i % 3) - 1, ((i + round) % 3) - 1));
      room.say(players[0]!, move(round, 1, 1));
      statements.length = 0;
      room.tick();
      expect(statements.filter((q) => q.includes("INSERT INTO game_match_entry"))).toHaveLength(1);
    }
    const record = room.engine.admin.matchRecord(room.engine.admin.describe().matchId!)!;
    const inputs = record.entries.filter((e) => e.kind === "input");
    expect(inputs).toHaveLength(90);
    expect(inputs.slice(0, 30).map((e) => e.playerId)).toEqual(players.map((_, i) => `p${players.length - 1 - i}`));
    const live = room.engine.admin.liveState();
    expect(hashState(replayMatch(crowd, { ...record, finalTick: live.tick }).state)).toBe(live.hash);

    // A new engine on the same database: the acks and the state come back from the log.
    room.reload();
    const restored = room.engine.admin.liveState();
    expect(hashState(replayMatch(crowd, { ...record, finalTick: restored.tick }).state)).toBe(restored.hash);
    const again = await room.join("p0");
    expect(again.last("welcome")).toMatchObject({ ack: 3 });
  });
});
