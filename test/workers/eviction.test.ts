// Durable Objects evicted or reset in the middle of their work: a game tick with inputs queued,
// a document compaction, an outbox flush to R2 and D1.
//
// How each lands "in the middle": evictDurableObject() is graceful. It drains in-flight work
// first (with the outbox's R2 upload held open it timed out after 30 s and did not evict), so it
// can only land between events, which is where a hibernating room is evicted in production. For
// the moments inside an operation, the tests reset the object with ctx.abort(), the reset a
// deploy or a crash does: in-memory state and every uncommitted write are gone, sockets drop.
// To hold an operation open at a chosen await, a test wraps one method of a storage class on
// its prototype (the Worker runs in the test's isolate); no product code knows about tests.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { D1LeaderboardStore, R2ReplayArchive, SqliteDocStore, replayPrefix } from "../../persistence/index.ts";
import { DocLimits, hashState, replayMatch, type MatchEntry } from "../../protocol/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { arena } from "../../games/arena.ts";
import { MatchRunner } from "../../rooms/game/matchRunner.ts";
import type { GameRoom } from "../../rooms/game/GameRoom.ts";
import { inRoom, join, message, playTicTacToeWin, room, send } from "./gameHelpers.ts";
import { devToken, editFrame, openSdkDoc, type TestSocket } from "./helpers.ts";

const restores: (() => void)[] = [];
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

/** Replaces a prototype method for this test only. */
function wrap<T extends object, K extends keyof T>(proto: T, name: K, make: (original: T[K]) => T[K]): void {
  const original = proto[name];
  proto[name] = make(original);
  restores.push(() => (proto[name] = original));
}

/**
 * Polls a flag on timers of the caller's own context: a promise resolved inside a Durable
 * Object and awaited by the test would run the test's next step in the object's I/O context.
 */
async function until(isTrue: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isTrue()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the operation to start");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const RESET_REASON = "reset in the middle of an operation";

/**
 * Resets the object the way a deploy or crash does, and proves it did: the abort rejects with
 * the runtime's reset error (any other error fails the test), and a new instance serves the
 * name afterwards. A stub is unusable after the reset, hence `stubOf` for a new one each time.
 */
async function resetObject(stubOf: () => DurableObjectStub): Promise<void> {
  const before = new WeakSet<object>();
  await runInDurableObject(stubOf(), (instance: object) => void before.add(instance));
  const failure = await runInDurableObject(stubOf(), (_room, state) => state.abort(RESET_REASON)).then(() => "the abort returned", (error: unknown) => error);
  expect(failure).toMatchObject({ message: RESET_REASON, durableObjectReset: true });
  const isSameInstance = await runInDurableObject(stubOf(), (instance: object) => before.has(instance));
  expect(isSameInstance, "the instance from before the reset still serves the room").toBe(false);
}

function inputSeqs(entries: MatchEntry[], playerId: string): number[] {
  return entries.flatMap((e) => (e.kind === "input" && e.playerId === playerId ? [e.seq] : []));
}

/** The room's record replays to its live state, and holds each of the player's inputs 1..lastSeq once. */
async function expectConsistentMatch(roomId: string, playerId: string, lastSeq: number): Promise<void> {
  const { record, live } = await inRoom("arena", roomId, (r) => ({ live: r.liveState(), record: r.matchRecord(r.describe().matchId!)! }));
  expect(inputSeqs(record.entries, playerId)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
  const replayed = replayMatch(arena, { seed: record.seed, players: record.players, entries: record.entries, finalTick: live.tick });
  expect(hashState(replayed.state)).toBe(live.hash);
}

const move = (seq: number) => ({ type: "move", dx: seq % 2 === 0 ? 1 : -1, dy: 0 });

describe("eviction in the middle of a game tick", () => {
  // A ticking room cannot be evicted gracefully: its tick interval keeps it alive, as it keeps a
  // hibernating object awake in production (evictDurableObject waited 30 s and gave up). So a
  // match is only ever cut short by a reset, and both tests below reset it.

  // Proves: a reset inside the turn that queued inputs (certainly before their tick) leaves a
  // consistent match: the reconnecting client's welcome says the last applied seq, nothing
  // above it is in the record, and resending above it applies each input exactly once.
  it("a reset with inputs queued for the next tick: the welcome's ack says what was applied", async () => {
    const roomId = "reset-queued";
    const first = await join("arena", roomId, "bo");
    for (let seq = 1; seq <= 3; seq++) send(first.socket, seq, move(seq));
    await message(first.socket, "delta", (m) => m.ack === 3);
    // An arena room's sockets are not hibernatable (GameRoom.options): their messages reach onMessage.
    expect(await runInDurableObject(room("arena", roomId), (instance: GameRoom) => [...instance.getConnections()].length)).toBe(1);
    await runInDurableObject(room("arena", roomId), async (instance: GameRoom, state) => {
      const [connection] = instance.getConnections();
      for (let seq = 4; seq <= 8; seq++) instance.onMessage(connection!, JSON.stringify({ type: "input", seq, input: move(seq) }));
      state.abort("reset with inputs queued");
    }).catch(() => {});
    expect((await first.socket.closed).code).toBe(1006);
    const again = await join("arena", roomId, "bo", { resume: first.welcome.resumeToken! });
    expect(again.welcome.ack).toBe(3);
    for (let seq = again.welcome.ack + 1; seq <= 8; seq++) send(again.socket, seq, move(seq));
    await message(again.socket, "delta", (m) => m.ack === 8);
    await expectConsistentMatch(roomId, "bo", 8);
    again.socket.close();
  });

  // Proves: a reset inside a tick, after it applied the queued inputs and stepped the match but
  // before that turn committed, takes the whole tick back: no ack for those inputs ever left the
  // room (the output gate held the tick's deltas), the record and the state agree, and the client
  // resending above the welcome's ack gets each input applied exactly once.
  it("a reset inside a tick, between applying its inputs and their commit", async () => {
    const roomId = "reset-in-tick";
    const first = await join("arena", roomId, "cy");
    for (let seq = 1; seq <= 3; seq++) send(first.socket, seq, move(seq));
    await message(first.socket, "delta", (m) => m.ack === 3);
    let state: DurableObjectState | null = null;
    await runInDurableObject(room("arena", roomId), (_r, s) => void (state = s));
    let resetTicks = 0;
    wrap(MatchRunner.prototype, "step", (original) =>
      function (this: MatchRunner, now: number) {
        const result = original.call(this, now);
        if (this.acks.get("cy") === 8) {
          resetTicks += 1;
          state!.abort("reset inside a tick");
        }
        return result;
      });
    const seen = first.socket.frames.length;
    for (let seq = 4; seq <= 8; seq++) send(first.socket, seq, move(seq));
    expect((await first.socket.closed).code).toBe(1006);
    restores.splice(0).forEach((restore) => restore());
    expect(resetTicks).toBe(1);
    const acks = first.socket.frames.slice(seen).flatMap((f) => (typeof f === "string" && f.includes('"ack"') ? [(JSON.parse(f) as { ack: number }).ack] : []));
    expect(acks.every((ack) => ack < 8)).toBe(true);

    const again = await join("arena", roomId, "cy", { resume: first.welcome.resumeToken! });
    expect(again.welcome.ack).toBe(Math.max(3, ...acks));
    send(again.socket, 3, move(3)); // [G3] a resent input the room already applied is ignored
    for (let seq = again.welcome.ack + 1; seq <= 8; seq++) send(again.socket, seq, move(seq));
    await message(again.socket, "delta", (m) => m.ack === 8);
    await expectConsistentMatch(roomId, "cy", 8);
    again.socket.close();
  });
});

/** Sends an edit and waits for its `saved`. */
async function save(socket: TestSocket, doc: Y.Doc, edit: (d: Y.Doc) => void): Promise<void> {
  const seen = socket.frames.length;
  socket.send(editFrame(doc, edit));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
}

/** Text as runs ("c1 b524800 a524800"), so a failure prints something readable. */
function runs(text: string): string {
  return (text.match(/(.)\1*/g) ?? []).map((run) => `${run[0]}${run.length}`).join(" ");
}
const docText = (roomId: string) => runInDurableObject(env.DocRoom.getByName(roomId), (r: DocRoom) => runs(r.document.getText("t").toString()));
const docStats = (roomId: string) => runInDurableObject(env.DocRoom.getByName(roomId), (r: DocRoom) => r.describe());
/** A chunk big enough that two fill the update log past COMPACT_AFTER_BYTES. */
const half = (c: string) => c.repeat(DocLimits.COMPACT_AFTER_BYTES / 2 + 1024);

describe("eviction in the middle of a document compaction", () => {
  // Proves: a reset after the compaction wrote its snapshot and cleared the log, but before that
  // turn committed, loses nothing that was acknowledged: the whole turn (the update that
  // triggered compaction, and the compaction) is discarded together, the update was never
  // acknowledged, and a resend applies it once. The stored document is the acknowledged one.
  it("a reset inside the compaction's turn keeps every saved update and applies the resent one once", async () => {
    const roomId = "reset-compaction";
    const token = await devToken({ sub: "ed", room: "doc/*", role: "editor" });
    const socket = await openSdkDoc(roomId, token);
    const doc = new Y.Doc();
    await save(socket, doc, (d) => d.getText("t").insert(0, half("a")));
    let state: DurableObjectState | null = null;
    await runInDurableObject(env.DocRoom.getByName(roomId), (_r, s) => void (state = s));
    let compactions = 0;
    wrap(SqliteDocStore.prototype, "compact", (original) =>
      function (this: SqliteDocStore, snapshot: Uint8Array) {
        original.call(this, snapshot);
        compactions += 1;
        state!.abort("reset between the compaction's writes and their commit");
      });
    const seen = socket.frames.length;
    const pending = editFrame(doc, (d) => d.getText("t").insert(0, half("b")));
    socket.send(pending);
    expect((await socket.closed).code).toBe(1006);
    expect(compactions).toBe(1);
    expect(socket.frames.slice(seen).some((f) => typeof f === "string" && f.includes('"saved"'))).toBe(false);
    restores.splice(0).forEach((r) => r());

    expect(await docText(roomId)).toBe(runs(half("a")));
    const again = await openSdkDoc(roomId, token);
    again.send(pending);
    again.send(pending); // a client that resends twice still gets the text once
    again.send(editFrame(doc, (d) => d.getText("t").insert(0, "c")));
    await again.next((f): f is string => typeof f === "string" && f === JSON.stringify({ type: "saved", seq: 3 }));
    expect(await docText(roomId)).toBe(runs(`c${half("b")}${half("a")}`));
    again.close();
  });

  // Proves: a graceful eviction right after a compaction committed leaves snapshot and log in
  // agreement: the woken room loads exactly the saved text, and later edits land after it.
  it("a graceful eviction right after compaction: the woken room has exactly the saved text", async () => {
    const roomId = "evict-compaction";
    const socket = await openSdkDoc(roomId, await devToken({ sub: "ed", room: "doc/*", role: "editor" }));
    const doc = new Y.Doc();
    await save(socket, doc, (d) => d.getText("t").insert(0, half("a")));
    await save(socket, doc, (d) => d.getText("t").insert(0, half("b")));
    expect((await docStats(roomId)).logUpdates).toBe(0); // compacted
    await evictDurableObject(env.DocRoom.getByName(roomId));
    await save(socket, doc, (d) => d.getText("t").insert(0, "c"));
    expect(await docText(roomId)).toBe(runs(doc.getText("t").toString()));
    await evictDurableObject(env.DocRoom.getByName(roomId));
    expect(await docText(roomId)).toBe(runs(`c${half("b")}${half("a")}`));
    socket.close();
  });
});

describe("eviction in the middle of an outbox flush", () => {
  async function leaderboardRows(matchKey: string, playerId: string) {
    const applied = await env.DB.prepare("SELECT count(*) AS n FROM leaderboard_applied WHERE key = ?").bind(matchKey).first<{ n: number }>();
    const wins = await env.DB.prepare("SELECT score FROM leaderboard_entry WHERE board = 'tictactoe.wins' AND player_id = ?").bind(playerId).first<{ score: number }>();
    return { applied: applied?.n ?? 0, wins: wins?.score ?? 0 };
  }

  /** Runs the woken room's alarm until its outbox is empty (at most a few rounds). */
  async function flushAfterWake(roomId: string): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await runDurableObjectAlarm(room("tictactoe", roomId));
      if ((await inRoom("tictactoe", roomId, (r) => r.describe().outbox.backlog)) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the outbox did not drain after the wake");
  }

  // Proves: the alarm delivered the leaderboard write to D1, then the object was reset before the
  // outbox heard back (a lost confirmation). After the wake the entry is delivered again, and D1's
  // idempotency key makes that a no-op: the win counts once, the replay is stored once.
  it("a reset after D1 applied the leaderboard write but before the outbox confirmed it", async () => {
    const roomId = "reset-flush-d1";
    const flags = { entered: false, released: false };
    wrap(D1LeaderboardStore.prototype, "apply", (original) =>
      async function (this: D1LeaderboardStore, key, writes) {
        await original.call(this, key, writes);
        if (flags.entered) return;
        flags.entered = true;
        await until(() => flags.released, 60_000);
      });
    const { over, x, o } = await playTicTacToeWin(roomId, "xena-d1", "otto-d1");
    await until(() => flags.entered);
    expect(await leaderboardRows(`leaderboard:${over.matchId}`, "xena-d1")).toEqual({ applied: 1, wins: 1 });
    await resetObject(() => room("tictactoe", roomId));
    flags.released = true;
    for (const s of [x.socket, o.socket]) expect((await s.closed).code).toBe(1006);

    await flushAfterWake(roomId);
    expect(await leaderboardRows(`leaderboard:${over.matchId}`, "xena-d1")).toEqual({ applied: 1, wins: 1 });
    const replays = await env.ARCHIVE.list({ prefix: replayPrefix("tictactoe", roomId) });
    expect(replays.objects.map((r) => r.key)).toEqual([`${replayPrefix("tictactoe", roomId)}${over.matchId}.json.gz`]);
  });

  // Proves: a reset while the replay upload is in flight (R2 has not stored it) loses nothing:
  // the entry stays in the outbox, the woken room uploads it, and it exists exactly once.
  it("a reset while the replay upload to R2 is in flight", async () => {
    const roomId = "reset-flush-r2";
    const flags = { entered: false, released: false };
    let uploads = 0;
    wrap(R2ReplayArchive.prototype, "put", (original) =>
      async function (this: R2ReplayArchive, record) {
        if (!flags.entered) {
          flags.entered = true;
          await until(() => flags.released, 60_000);
        }
        uploads += 1;
        return original.call(this, record);
      });
    const { over, x, o } = await playTicTacToeWin(roomId, "xena-r2", "otto-r2");
    await until(() => flags.entered);
    await resetObject(() => room("tictactoe", roomId));
    flags.released = true;
    for (const s of [x.socket, o.socket]) expect((await s.closed).code).toBe(1006);
    expect((await env.ARCHIVE.list({ prefix: replayPrefix("tictactoe", roomId) })).objects).toEqual([]);

    await flushAfterWake(roomId);
    expect(uploads).toBe(1); // the reset attempt never reached R2
    const replays = await env.ARCHIVE.list({ prefix: replayPrefix("tictactoe", roomId) });
    expect(replays.objects.map((r) => r.key)).toEqual([`${replayPrefix("tictactoe", roomId)}${over.matchId}.json.gz`]);
    expect(await leaderboardRows(`leaderboard:${over.matchId}`, "xena-r2")).toEqual({ applied: 1, wins: 1 });
  });
});
