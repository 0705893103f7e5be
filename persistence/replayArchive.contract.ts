import { expect } from "vitest";
import type { ReplayRecord } from "../protocol/index.ts";
import type { ReplayArchive } from "./replayArchive.ts";

export function sampleRecord(roomId: string, matchId: string, endedAt: number): ReplayRecord {
  return {
    format: 1,
    header: {
      game: "arena", version: "1.0.0", roomId, matchId, seed: 7, players: ["a"], startedAt: endedAt - 1000, endedAt,
      finalTick: 20, finalStateHash: "deadbeef", result: { isOver: true, scores: { a: 1 }, winners: ["a"] },
    },
    entries: [{ tick: 0, kind: "join", playerId: "a" }, { tick: 3, kind: "input", playerId: "a", seq: 1, input: { type: "move", dx: 1, dy: 0 } }],
  };
}

/** Behaviour every ReplayArchive must have; memory runs it in Node, R2 inside workerd. */
export const replayArchiveContract: Record<string, (archive: ReplayArchive, roomId: string) => Promise<void>> = {
  "stores a record and streams back the same JSON": async (archive, roomId) => {
    const record = sampleRecord(roomId, "m1", 1000);
    await archive.put(record);
    const stream = await archive.get("arena", roomId, "m1");
    expect(JSON.parse(await new Response(stream).text())).toEqual(record);
  },
  "lists a room's matches oldest first, with sizes and winners": async (archive, roomId) => {
    await archive.put(sampleRecord(roomId, "late", 2000));
    await archive.put(sampleRecord(roomId, "early", 1000));
    await archive.put(sampleRecord(`${roomId}-other`, "x", 1500));
    const listed = await archive.list("arena", roomId, 10);
    expect(listed.map((s) => s.matchId)).toEqual(["early", "late"]);
    expect(listed[0]!.winners).toEqual(["a"]);
    expect(listed[0]!.bytes).toBeGreaterThan(0);
  },
  "storing the same match twice keeps one copy": async (archive, roomId) => {
    await archive.put(sampleRecord(roomId, "twice", 1000));
    await archive.put(sampleRecord(roomId, "twice", 1000));
    expect(await archive.list("arena", roomId, 10)).toHaveLength(1);
  },
  "answers null for a match it does not have": async (archive, roomId) => {
    expect(await archive.get("arena", roomId, "missing")).toBeNull();
  },
};
