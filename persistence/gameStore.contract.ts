import { expect } from "vitest";
import type { MatchEntry } from "../protocol/index.ts";
import type { GameStore, MatchRow, Seat } from "./gameStore.ts";

/**
 * The behaviour every GameStore must have. Each case gets a fresh, empty store: the memory twin
 * runs these in Node (gameStore.test.ts), SqliteGameStore on node:sqlite in Node (nodeSqlite.test.ts)
 * and on DO SQLite inside workerd (test/workers/sqliteGameStore.test.ts).
 */
export const gameStoreContract: Record<string, (store: GameStore) => void> = {
  "starts empty": (store) => {
    expect(store.seats()).toEqual([]);
    expect(store.matches()).toEqual([]);
    expect(store.latestMatch()).toBeNull();
    expect(store.currentMatch()).toBeNull();
    expect(store.match("m1")).toBeNull();
    expect(store.entries("m1")).toEqual([]);
    expect(store.entryCount("m1")).toBe(0);
    expect(store.loadSnapshot("m1")).toBeNull();
  },
  "keeps seats by seat number; a player's seat is replaced, and deleted": (store) => {
    store.putSeat(seat("bob", 1));
    store.putSeat(seat("ann", 0));
    store.putSeat({ ...seat("bob", 1), droppedAt: 500, name: null });
    expect(store.seats()).toEqual([seat("ann", 0), { ...seat("bob", 1), droppedAt: 500, name: null }]);
    store.deleteSeat("ann");
    store.deleteSeat("nobody");
    expect(store.seats().map((s) => s.playerId)).toEqual(["bob"]);
  },
  "a started match is current and latest until it ends, then ended with its result": (store) => {
    store.startMatch(start("m1", 100));
    const running: MatchRow = {
      ...start("m1", 100), endedAt: null, finalTick: null, result: null, finalHash: null, reason: null, replayStoredAt: null,
    };
    expect(store.currentMatch()).toEqual(running);
    expect(store.latestMatch()).toEqual(running);
    const result = { isOver: true, scores: { ann: 3, bob: 1 }, winners: ["ann"] };
    store.endMatch("m1", 42, result, "hash-1", 900, "finished");
    const ended = { ...running, endedAt: 900, finalTick: 42, result, finalHash: "hash-1", reason: "finished" };
    expect(store.currentMatch()).toBeNull();
    expect(store.latestMatch()).toEqual(ended);
    expect(store.match("m1")).toEqual(ended);
  },
  "orders matches by start; the latest is the last started, current the last still running": (store) => {
    store.startMatch(start("late", 200));
    store.startMatch(start("early", 100));
    expect(store.matches().map((m) => m.id)).toEqual(["early", "late"]);
    expect(store.latestMatch()?.id).toBe("late");
    store.endMatch("late", 1, { isOver: true, scores: {}, winners: [] }, "h", 300, "idle");
    expect(store.currentMatch()?.id).toBe("early");
  },
  "entry ids rise across matches; entries after an id come back in order, per match": (store) => {
    store.startMatch(start("m1", 100));
    const a = store.appendEntry("m1", join(0, "ann"));
    const b = store.appendEntry("m1", input(1, "ann", 1, { x: 1 }));
    store.startMatch(start("m2", 200));
    const c = store.appendEntry("m2", join(0, "bob"));
    const d = store.appendEntry("m1", input(2, "ann", 2, [1, "two"]));
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
    expect(c).toBeLessThan(d);
    expect(store.entries("m1")).toEqual([{ id: a, entry: join(0, "ann") }, { id: b, entry: input(1, "ann", 1, { x: 1 }) }, { id: d, entry: input(2, "ann", 2, [1, "two"]) }]);
    expect(store.entries("m1", b).map((e) => e.id)).toEqual([d]);
    expect(store.entryCount("m1")).toBe(3);
    expect(store.entryCount("m2")).toBe(1);
  },
  "appends a batch in one call as if one by one: ids rising in its order, the last returned, the stored text the same": (store) => {
    store.startMatch(start("m1", 100));
    const first = store.appendEntry("m1", join(0, "ann"));
    expect(store.appendEntries("m1", [])).toBe(0);
    // More entries than a Durable Object statement may bind parameters (100), with text that needs escaping.
    const batch = Array.from({ length: 150 }, (_, i) => input(1 + (i % 3), "ann", i + 1, { say: `"q\\${i}\u2028é`, n: i / 3 }));
    const last = store.appendEntries("m1", batch);
    const stored = store.entries("m1", first);
    expect(stored.map((e) => e.entry)).toEqual(batch);
    expect(stored.at(-1)!.id).toBe(last);
    expect(stored.every((e, i) => i === 0 || e.id > stored[i - 1]!.id)).toBe(true);
    expect(store.appendEntries("m1", [join(4, "bob")])).toBeGreaterThan(last);
    expect(store.entryCount("m1")).toBe(152);
  },
  "prunes an ended match's entries and says when; a running match keeps its entries": (store) => {
    store.startMatch(start("m1", 100));
    store.appendEntry("m1", join(0, "ann"));
    store.pruneEntries("m1", 700);
    expect(store.entryCount("m1")).toBe(1);
    expect(store.match("m1")?.replayStoredAt).toBeNull();
    store.endMatch("m1", 5, { isOver: true, scores: {}, winners: [] }, "h", 600, "entry_limit");
    store.pruneEntries("m1", 700);
    expect(store.entries("m1")).toEqual([]);
    expect(store.match("m1")).toMatchObject({ replayStoredAt: 700, reason: "entry_limit", finalTick: 5 });
  },
  "keeps a snapshot per match, replaced by the next save; a new match drops the older ones": (store) => {
    store.startMatch(start("m1", 100));
    store.saveSnapshot("m1", { tick: 3, rngState: 11, state: { board: [1, null, 2] } }, 4);
    store.saveSnapshot("m1", { tick: 6, rngState: 12, state: { board: [1, 2, 2] } }, 9);
    expect(store.loadSnapshot("m1")).toEqual({ snapshot: { tick: 6, rngState: 12, state: { board: [1, 2, 2] } }, lastEntryId: 9 });
    expect(store.loadSnapshot("m2")).toBeNull();
    store.startMatch(start("m2", 200));
    expect(store.loadSnapshot("m1")).toBeNull();
  },
  "keeps what it was given, not the caller's objects": (store) => {
    const given = seat("ann", 0);
    store.putSeat(given);
    given.seat = 9;
    store.seats()[0]!.name = "changed";
    expect(store.seats()).toEqual([seat("ann", 0)]);
    store.startMatch(start("m1", 100));
    const entry = input(1, "ann", 1, { x: 1 });
    store.appendEntry("m1", entry);
    entry.input = { x: 2 };
    expect(store.entries("m1")[0]?.entry).toEqual(input(1, "ann", 1, { x: 1 }));
  },
};

function seat(playerId: string, number: number): Seat {
  return { playerId, seat: number, name: `${playerId}'s name`, resumeToken: `token-${playerId}`, droppedAt: null };
}

function start(id: string, startedAt: number) {
  return { id, seed: 1234, version: "1.0.0", players: ["ann", "bob"], startedAt };
}

function join(tick: number, playerId: string): MatchEntry {
  return { tick, kind: "join", playerId };
}

function input(tick: number, playerId: string, seq: number, value: unknown): MatchEntry & { input: unknown } {
  return { tick, kind: "input", playerId, seq, input: value };
}
