import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  D1LeaderboardStore,
  OutboxFullError,
  OutboxLimits,
  R2ReplayArchive,
  SqliteOutbox,
  flushOutbox,
  type LeaderboardWrite,
} from "../../persistence/index.ts";
import { ReplayMismatchError, ReplayRecord, replay } from "../../protocol/index.ts";
import { tictactoe } from "../../games/tictactoe.ts";
import { inRoom, playTicTacToeWin, room } from "./gameHelpers.ts";
import { BASE } from "./helpers.ts";

const scratch = (name: string) => env.Matchmaker.getByName(`outbox-test:${name}`);

describe("the outbox", () => {
  it("delivers every entry exactly once through a store that fails its first attempts and loses a confirmation", async () => {
    const board = "outbox.exactly-once";
    await runInDurableObject(scratch("exactly-once"), async (_mm, state) => {
      const outbox = new SqliteOutbox(state.storage.sql);
      let now = 1_000_000;
      for (let i = 0; i < 10; i++) {
        const write: LeaderboardWrite = { board, periodKey: "all", playerId: `p${i}`, score: 1, operator: "incr", order: "desc" };
        outbox.enqueue("leaderboard", `lb-${i}`, JSON.stringify([write]), now);
      }
      outbox.enqueue("leaderboard", "lb-0", "[]", now); // same key again: ignored
      const d1 = new D1LeaderboardStore(env.DB);
      let calls = 0;
      const FAIL_FIRST = 7;
      const deliver = async (entry: { key: string; payload: string }) => {
        calls += 1;
        if (calls <= FAIL_FIRST) throw new Error(`store unavailable (attempt ${calls})`);
        await d1.apply(entry.key, JSON.parse(entry.payload));
        // The write landed, but its confirmation is lost on the way back.
        if (calls === FAIL_FIRST + 1) throw new Error("connection reset after write");
      };
      for (let round = 0; round < 50 && outbox.backlog() > 0; round++) {
        now += OutboxLimits.MAX_RETRY_MS;
        await flushOutbox(outbox, deliver, () => now, () => 0.5);
      }
      expect(outbox.backlog()).toBe(0);
      const status = outbox.status();
      expect(status.failures).toBe(FAIL_FIRST + 1);
      expect(status.lastError).toBe("connection reset after write");
      expect(status.lastSuccessAt).toBe(now);
    });
    const rows = await new D1LeaderboardStore(env.DB).page({ board, periodKey: "all", order: "desc", limit: 100 });
    expect(rows.map((r) => r.score)).toEqual(Array(10).fill(1));
    expect(new Set(rows.map((r) => r.playerId)).size).toBe(10);
  });

  it("backs off exponentially with jitter, up to its bound", async () => {
    // README: retries wait 1 s doubling to at most 5 minutes; the jitter draws each wait from the upper
    // half of its window, so a wait is the window x (1 + random) / 2.
    const windows = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000];
    const waitsWith = (name: string, random: () => number) =>
      runInDurableObject(scratch(`backoff-${name}`), async (_mm, state) => {
        const outbox = new SqliteOutbox(state.storage.sql);
        const now = 5_000_000;
        outbox.enqueue("directory", "k", "{}", now);
        const waits: number[] = [];
        let at = now + OutboxLimits.FLUSH_DELAY_MS;
        for (const _ of windows) {
          await flushOutbox(outbox, async () => { throw new Error("down"); }, () => at, random);
          const next = outbox.nextAttemptAt()!;
          waits.push(next - at);
          at = next;
        }
        expect(outbox.backlog()).toBe(1); // never dropped
        return waits;
      });
    expect(await waitsWith("low", () => 0)).toEqual(windows.map((w) => w / 2));
    expect(await waitsWith("mid", () => 0.5)).toEqual(windows.map((w) => w * 0.75));
    expect(await waitsWith("high", () => 1)).toEqual(windows);
    // A seeded source: every wait inside its window's upper half, and the draws show in the waits.
    let seed = 1;
    const seeded = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    const waits = await waitsWith("seeded", seeded);
    waits.forEach((wait, i) => {
      expect(wait, `wait ${i + 1}`).toBeGreaterThanOrEqual(windows[i]! / 2);
      expect(wait, `wait ${i + 1}`).toBeLessThanOrEqual(windows[i]!);
    });
    expect(new Set(waits.slice(-3)).size, "waits at the cap differ with the random draw").toBe(3);
  });

  it(`refuses entry ${OutboxLimits.MAX_ENTRIES + 1} and keeps the others; its last ${OutboxLimits.RESERVED_ENTRIES} take reserved entries only`, async () => {
    await runInDurableObject(scratch("bound"), async (_mm, state) => {
      const outbox = new SqliteOutbox(state.storage.sql);
      const ordinary = OutboxLimits.MAX_ENTRIES - OutboxLimits.RESERVED_ENTRIES;
      for (let i = 0; i < ordinary; i++) outbox.enqueue("directory", `k${i}`, "{}", 0);
      expect(() => outbox.enqueue("directory", "one-more", "{}", 0)).toThrow(OutboxFullError);
      expect(outbox.isFull()).toBe(true);
      for (let i = ordinary; i < OutboxLimits.MAX_ENTRIES; i++) outbox.enqueue("directory", `k${i}`, "{}", 0, { isReserved: true });
      expect(() => outbox.enqueue("directory", "one-more", "{}", 0, { isReserved: true })).toThrow(OutboxFullError);
      expect(outbox.backlog()).toBe(OutboxLimits.MAX_ENTRIES);
      expect(outbox.isFull()).toBe(true);
    });
  });
});

describe("match exports", () => {
  it("the alarm delivers a match's leaderboard entries and replay even if the room was evicted before the flush", async () => {
    const { over, x, o } = await playTicTacToeWin("evicted-before-flush", "evict-x", "evict-o");
    for (const socket of [x.socket, o.socket]) {
      socket.close();
      await socket.closed;
    }
    // The leaderboard and replay entries, and possibly a directory report.
    expect((await inRoom("tictactoe", "evicted-before-flush", (r) => r.describe().outbox)).backlog).toBeGreaterThanOrEqual(2);
    await evictDurableObject(room("tictactoe", "evicted-before-flush"));
    // Nothing here calls the room: the persisted alarm wakes it and flushes.
    await expect
      .poll(async () => (await new R2ReplayArchive(env.ARCHIVE).list("tictactoe", "evicted-before-flush", 10)).map((m) => m.matchId), { timeout: 15_000 })
      .toEqual([over.matchId]);
    const wins = await new D1LeaderboardStore(env.DB).around({ board: "tictactoe.wins", periodKey: "all", order: "desc", limit: 1, playerId: "evict-x" });
    expect(wins.map((r) => r.score)).toEqual([1]);
    expect((await inRoom("tictactoe", "evicted-before-flush", (r) => r.describe().outbox)).backlog).toBe(0);
  });

  it("a replay fetched over HTTP re-simulates to the recorded hash; a tampered one is a clear error", async () => {
    const { over, x, o } = await playTicTacToeWin("replayed", "rx", "ro");
    x.socket.close();
    o.socket.close();
    const listUrl = `${BASE}/v1/replays/tictactoe/replayed`;
    await expect.poll(async () => (await (await exports.default.fetch(listUrl)).json<{ matches: unknown[] }>()).matches.length, { timeout: 15_000 }).toBe(1);
    const response = await exports.default.fetch(`${listUrl}/${over.matchId}`);
    expect(response.status).toBe(200);
    const record = ReplayRecord.parse(await response.json());
    expect(record.header).toMatchObject({ game: "tictactoe", roomId: "replayed", matchId: over.matchId, result: over.result });
    const states = [...replay(record, tictactoe)];
    expect(states.at(-1)!.tick).toBe(record.header.finalTick);
    expect(states.at(-1)!.state).toMatchObject({ phase: "over", winner: "X" });

    const tampered = { ...record, entries: record.entries.filter((e) => !(e.kind === "input" && e.playerId === "rx" && e.seq === 3)) };
    expect(() => [...replay(tampered, tictactoe)]).toThrow(ReplayMismatchError);
    expect((await exports.default.fetch(`${listUrl}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await exports.default.fetch(`${listUrl}/not-a-uuid`)).status).toBe(400);
  });
});

describe("leaderboard reads", () => {
  const get = (query: string) => exports.default.fetch(`${BASE}/v1/leaderboards/tictactoe.wins${query}`);

  it("come from the cache until the board changes, and then are fresh", async () => {
    await playTicTacToeWin("cache-1", "cache-x", "cache-o").then(({ x, o }) => (x.socket.close(), o.socket.close()));
    const played = async () => (await new D1LeaderboardStore(env.DB).around({ board: "tictactoe.wins", periodKey: "all", order: "desc", limit: 1, playerId: "cache-x" }))[0]?.score;
    await expect.poll(played, { timeout: 15_000 }).toBe(1);

    const first = await get("?around=cache-x&limit=1");
    expect(first.headers.get("X-Cache")).toBe("MISS");
    expect((await first.json<{ entries: { score: number }[] }>()).entries[0]!.score).toBe(1);
    const second = await get("?around=cache-x&limit=1");
    expect(second.headers.get("X-Cache")).toBe("HIT");
    await second.arrayBuffer();

    await playTicTacToeWin("cache-2", "cache-x", "cache-o2").then(({ x, o }) => (x.socket.close(), o.socket.close()));
    await expect.poll(played, { timeout: 15_000 }).toBe(2);
    const third = await get("?around=cache-x&limit=1");
    expect(third.headers.get("X-Cache")).toBe("MISS");
    expect((await third.json<{ entries: { score: number }[] }>()).entries[0]!.score).toBe(2);
  });

  it("answer bad parameters with a 400 that says what is wrong, and unknown boards with a 404", async () => {
    for (const query of ["?limit=0", "?limit=1000", "?cursor=zzz", "?period=2026-11-23", "?sort=asc", "?cursor=x&around=y"]) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      expect((await response.json<{ error: { message: string } }>()).error.message.length).toBeGreaterThan(0);
    }
    expect((await exports.default.fetch(`${BASE}/v1/leaderboards/tictactoe.nope`)).status).toBe(404);
    expect((await exports.default.fetch(`${BASE}/v1/leaderboards/Bad!`)).status).toBe(400);
  });

  it("page through a board with cursors, with no gaps or duplicates", async () => {
    const store = new D1LeaderboardStore(env.DB);
    await store.apply("paging-seed", Array.from({ length: 13 }, (_, i) => ({
      board: "arena.gems", periodKey: "all", playerId: `pager-${String(i).padStart(2, "0")}`, score: 1000 + (i % 4), operator: "best" as const, order: "desc" as const,
    })));
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 10; page++) {
      const body = await (await exports.default.fetch(`${BASE}/v1/leaderboards/arena.gems?limit=5${cursor}`)).json<{ entries: { playerId: string }[]; nextCursor: string | null }>();
      seen.push(...body.entries.map((e) => e.playerId).filter((id) => id.startsWith("pager-")));
      if (!body.nextCursor) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
  });
});
