import { expect } from "vitest";
import type { LeaderboardRow } from "../protocol/index.ts";
import type { LeaderboardStore, LeaderboardWrite, PageStart } from "./leaderboardStore.ts";

/**
 * Behaviour every LeaderboardStore must have. Each case gets its own board name, so one
 * store can serve them all; memory runs these in Node, D1 inside workerd.
 */
const write = (board: string, playerId: string, score: number, op: Partial<LeaderboardWrite> = {}): LeaderboardWrite => ({
  board, periodKey: "all", playerId, score, operator: "best", order: "desc", ...op,
});

export const leaderboardStoreContract: Record<string, (store: LeaderboardStore, board: string) => Promise<void>> = {
  "best keeps the better score for the board's order": async (store, board) => {
    await store.apply(`${board}-1`, [write(board, "a", 5), write(board, "b", 3)]);
    await store.apply(`${board}-2`, [write(board, "a", 2), write(board, "b", 9)]);
    expect(await store.page({ board, periodKey: "all", order: "desc", limit: 10 })).toEqual([
      { rank: 1, playerId: "b", score: 9 },
      { rank: 2, playerId: "a", score: 5 },
    ]);
    await store.apply(`${board}-3`, [write(`${board}-asc`, "a", 30, { order: "asc" })]);
    await store.apply(`${board}-4`, [write(`${board}-asc`, "a", 20, { order: "asc" }), write(`${board}-asc`, "b", 25, { order: "asc" })]);
    expect(await store.page({ board: `${board}-asc`, periodKey: "all", order: "asc", limit: 10 })).toEqual([
      { rank: 1, playerId: "a", score: 20 },
      { rank: 2, playerId: "b", score: 25 },
    ]);
  },
  "incr adds and set replaces": async (store, board) => {
    await store.apply(`${board}-1`, [write(board, "a", 2, { operator: "incr" }), write(`${board}-set`, "a", 7, { operator: "set" })]);
    await store.apply(`${board}-2`, [write(board, "a", 3, { operator: "incr" }), write(`${board}-set`, "a", 1, { operator: "set" })]);
    expect(await store.page({ board, periodKey: "all", order: "desc", limit: 10 })).toEqual([{ rank: 1, playerId: "a", score: 5 }]);
    expect(await store.page({ board: `${board}-set`, periodKey: "all", order: "desc", limit: 10 })).toEqual([{ rank: 1, playerId: "a", score: 1 }]);
  },
  "a second apply with the same key changes nothing": async (store, board) => {
    await store.apply(`${board}-once`, [write(board, "a", 1, { operator: "incr" })]);
    await store.apply(`${board}-once`, [write(board, "a", 1, { operator: "incr" })]);
    expect(await store.page({ board, periodKey: "all", order: "desc", limit: 10 })).toEqual([{ rank: 1, playerId: "a", score: 1 }]);
  },
  "periods are separate boards": async (store, board) => {
    await store.apply(`${board}-1`, [write(board, "a", 1, { periodKey: "2026-11-22" }), write(board, "b", 2, { periodKey: "2026-11-23" })]);
    expect(await store.page({ board, periodKey: "2026-11-23", order: "desc", limit: 10 })).toEqual([{ rank: 1, playerId: "b", score: 2 }]);
  },
  "paging walks every entry once, ties ranked together and ordered by player": async (store, board) => {
    const writes = Array.from({ length: 23 }, (_, i) => write(board, `p${String(i).padStart(2, "0")}`, i % 5));
    await store.apply(`${board}-all`, writes);
    const seen: LeaderboardRow[] = [];
    let after: PageStart | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.page({ board, periodKey: "all", order: "desc", limit: 4, after });
      if (page.length === 0) break;
      seen.push(...page);
      const last = page.at(-1)!;
      after = { score: last.score, playerId: last.playerId, rank: last.rank, position: seen.length };
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((r) => r.playerId)).size).toBe(23);
    // Ranks continued from each cursor are the ranks of the whole board.
    const all = await store.page({ board, periodKey: "all", order: "desc", limit: 100 });
    expect(all).toEqual(seen);
    expect(all.slice(0, 5).map((r) => [r.score, r.rank])).toEqual([[4, 1], [4, 1], [4, 1], [4, 1], [3, 5]]);
  },
  "a page after a cursor ranks from the cursor's rank and position, ties across the boundary shared": async (store, board) => {
    // Scores 9, 7, 7, 7, 5: the cursor stops inside the tie of 7s.
    await store.apply(`${board}-1`, [write(board, "a", 9), write(board, "b", 7), write(board, "c", 7), write(board, "d", 7), write(board, "e", 5)]);
    const next = await store.page({ board, periodKey: "all", order: "desc", limit: 10, after: { score: 7, playerId: "b", rank: 2, position: 2 } });
    expect(next).toEqual([
      { rank: 2, playerId: "c", score: 7 },
      { rank: 2, playerId: "d", score: 7 },
      { rank: 5, playerId: "e", score: 5 },
    ]);
  },
  "around returns the player with neighbours on both sides": async (store, board) => {
    await store.apply(`${board}-1`, Array.from({ length: 9 }, (_, i) => write(board, `p${i}`, i * 10)));
    const around = await store.around({ board, periodKey: "all", order: "desc", limit: 3, playerId: "p4" });
    expect(around.map((r) => [r.playerId, r.rank])).toEqual([["p5", 4], ["p4", 5], ["p3", 6]]);
    const top = await store.around({ board, periodKey: "all", order: "desc", limit: 3, playerId: "p8" });
    expect(top.map((r) => [r.playerId, r.rank])).toEqual([["p8", 1], ["p7", 2], ["p6", 3]]);
    expect(await store.around({ board, periodKey: "all", order: "desc", limit: 3, playerId: "nobody" })).toEqual([]);
  },
  "around ranks a page that starts inside a tie": async (store, board) => {
    await store.apply(`${board}-1`, [write(board, "a", 10), write(board, "b", 8), write(board, "c", 8), write(board, "d", 8), write(board, "e", 6)]);
    const mid = await store.around({ board, periodKey: "all", order: "desc", limit: 3, playerId: "c" });
    expect(mid.map((r) => [r.playerId, r.rank])).toEqual([["b", 2], ["c", 2], ["d", 2]]);
    const low = await store.around({ board, periodKey: "all", order: "desc", limit: 3, playerId: "e" });
    expect(low.map((r) => [r.playerId, r.rank])).toEqual([["d", 2], ["e", 5]]);
    const asc = (w: string, score: number) => write(`${board}-asc`, w, score, { order: "asc" });
    await store.apply(`${board}-2`, [asc("a", 1), asc("b", 2), asc("c", 2), asc("d", 3)]);
    const ascending = await store.around({ board: `${board}-asc`, periodKey: "all", order: "asc", limit: 3, playerId: "d" });
    expect(ascending.map((r) => [r.playerId, r.rank])).toEqual([["c", 2], ["d", 4]]);
  },
};
