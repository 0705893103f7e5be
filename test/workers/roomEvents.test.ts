// README, "Hooks and webhooks": room events reach the configured hooks through the room's outbox, at
// least once, with a stable id, one outbox entry per destination.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { D1LeaderboardStore, D1RoomDirectory, OutboxFullError, OutboxLimits, R2ReplayArchive, SqliteOutbox } from "../../persistence/index.ts";
import { RoomEventSchema, type RoomEvent } from "../../protocol/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { EVENT_OUTBOX_KINDS, configureEvents } from "../../rooms/events.ts";
import { join, message, playTicTacToeWin, room, send } from "./gameHelpers.ts";
import { BASE, devToken, editFrame, openSdkDoc } from "./helpers.ts";

const ADMIN = { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" };
const adminDelete = (path: string) => exports.default.fetch(`${BASE}/v1/admin/rooms/${path}`, { method: "DELETE", headers: ADMIN });

afterEach(() => {
  configureEvents({});
  vi.restoreAllMocks();
});

/** Calls of a hook, each as the JSON it would carry (what a webhook receiver gets). */
function recorder() {
  const calls: RoomEvent[] = [];
  const record = (event: RoomEvent) => {
    calls.push(RoomEventSchema.parse(JSON.parse(JSON.stringify(event))));
  };
  return { calls, record, of: (room: string) => calls.filter((e) => e.room === room) };
}

async function editAndLeave(roomId: string, sub: string, text: string): Promise<void> {
  const socket = await openSdkDoc(roomId, await devToken({ sub, room: "doc/*", role: "editor" }));
  const seen = socket.frames.length;
  socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, text)));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
  socket.close();
  await socket.closed;
}

const eventEntries = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (_r, state) =>
    state.storage.sql
      .exec<{ kind: string; key: string; attempts: number }>("SELECT kind, key, attempts FROM outbox WHERE kind IN (?, ?) ORDER BY id", EVENT_OUTBOX_KINDS.hook, EVENT_OUTBOX_KINDS.webhook)
      .toArray(),
  );

describe("hooks", () => {
  it("onMatchEnd receives a tic-tac-toe match's end, with the match's result and a stable id", async () => {
    const hook = recorder();
    configureEvents({ hooks: { onMatchEnd: hook.record } });
    const roomId = `events-match-${Date.now()}`;
    const { over, x, o } = await playTicTacToeWin(roomId, "ev-x", "ev-o");
    await expect.poll(() => hook.of(`game/tictactoe/${roomId}`).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const [event] = hook.of(`game/tictactoe/${roomId}`);
    expect(event).toMatchObject({
      id: `match.ended:${over.matchId}`,
      type: "match.ended",
      data: { game: "tictactoe", roomId, matchId: over.matchId, reason: "finished", result: { isOver: true, winners: ["ev-x"] }, players: ["ev-x"] },
    });
    // Delivered and confirmed: nothing of it is left to send.
    await expect.poll(() => eventEntries(room("tictactoe", roomId))).toEqual([]);
    expect(new Set(hook.of(`game/tictactoe/${roomId}`).map((e) => e.id))).toEqual(new Set([event!.id]));
    x.socket.close();
    o.socket.close();
  }, 30_000);

  it("onDocumentVersion receives a recorded version", async () => {
    const hook = recorder();
    configureEvents({ hooks: { onDocumentVersion: hook.record } });
    const roomId = `events-doc-${Date.now()}`;
    await editAndLeave(roomId, "ada", "a version");
    await expect.poll(() => hook.of(`doc/${roomId}`).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const versions = await runInDurableObject(env.DocRoom.getByName(roomId), (r: DocRoom) => r.listVersions());
    expect(versions).toHaveLength(1);
    expect(hook.of(`doc/${roomId}`)[0]).toMatchObject({
      id: `document.version:${roomId}:${versions[0]!.id}`,
      type: "document.version",
      at: versions[0]!.createdAt,
      data: { roomId, versionId: versions[0]!.id, editors: ["ada"], bytes: versions[0]!.bytes },
    });
  }, 30_000);

  it("onRoomDeleted receives an admin DELETE, delivered from the emptied room; an earlier event still waiting arrives too", async () => {
    const deleted = recorder();
    const versions = recorder();
    let isVersionHookDown = true;
    configureEvents({
      hooks: {
        onRoomDeleted: deleted.record,
        onDocumentVersion: (event) => {
          if (isVersionHookDown) throw new Error("version hook down");
          versions.record(event);
        },
      },
    });
    const roomId = `events-deleted-${Date.now()}`;
    await editAndLeave(roomId, "ada", "soon gone");
    // The version's event failed at least once and waits in the outbox when the room is deleted.
    await expect
      .poll(async () => (await eventEntries(env.DocRoom.getByName(roomId))).some((e) => e.attempts > 0), { timeout: 20_000 })
      .toBe(true);
    const response = await adminDelete(`doc/${roomId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ isComplete: true });
    isVersionHookDown = false;

    await expect.poll(() => deleted.of(`doc/${roomId}`).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const [event] = deleted.of(`doc/${roomId}`);
    expect(event).toMatchObject({ type: "room.deleted", data: { kind: "doc", game: null, roomId, removed: { r2Objects: expect.any(Number) } } });
    expect(event!.id).toMatch(/^room\.deleted:/);
    await expect.poll(() => versions.of(`doc/${roomId}`).length, { timeout: 30_000 }).toBeGreaterThan(0);
    // Every event delivered, the room's storage holds nothing but empty tables, and the room does not exist.
    await expect.poll(() => eventEntries(env.DocRoom.getByName(roomId)), { timeout: 30_000 }).toEqual([]);
    expect(new Set(deleted.of(`doc/${roomId}`).map((e) => e.id)).size).toBe(1);
    expect((await exports.default.fetch(`${BASE}/v1/admin/rooms/doc/${roomId}`, { headers: ADMIN })).status).toBe(404);
  }, 60_000);

  it("a game room's delete names its game", async () => {
    const deleted = recorder();
    configureEvents({ hooks: { onRoomDeleted: deleted.record } });
    const roomId = `events-game-deleted-${Date.now()}`;
    const { x, o } = await playTicTacToeWin(roomId, "del-x", "del-o");
    x.socket.close();
    o.socket.close();
    expect((await adminDelete(`game/tictactoe/${roomId}`)).status).toBe(200);
    await expect.poll(() => deleted.of(`game/tictactoe/${roomId}`).length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(deleted.of(`game/tictactoe/${roomId}`)[0]).toMatchObject({ type: "room.deleted", data: { kind: "game", game: "tictactoe", roomId } });
  }, 30_000);

  it("a hook that throws is retried with backoff and delivered once it stops throwing, with the same id", async () => {
    const FAILURES = 2;
    const ids: string[] = [];
    let calls = 0;
    configureEvents({
      hooks: {
        onMatchEnd: (event) => {
          ids.push(event.id);
          calls += 1;
          if (calls <= FAILURES) throw new Error(`hook failure ${calls}`);
        },
      },
    });
    const roomId = `events-retry-${Date.now()}`;
    const { over, x, o } = await playTicTacToeWin(roomId, "rt-x", "rt-o");
    await expect.poll(() => calls, { timeout: 30_000 }).toBeGreaterThan(FAILURES);
    await expect.poll(() => eventEntries(room("tictactoe", roomId))).toEqual([]);
    expect(new Set(ids)).toEqual(new Set([`match.ended:${over.matchId}`]));
    const status = await runInDurableObject(room("tictactoe", roomId), (_r, state) =>
      state.storage.sql.exec<{ last_error: string }>("SELECT last_error FROM outbox_status").one(),
    );
    expect(status.last_error).toBe(`hook failure ${FAILURES}`);
    x.socket.close();
    o.socket.close();
  }, 45_000);

  it("writes one outbox entry per destination: a webhook that keeps failing never re-runs the hook that succeeded", async () => {
    let hookCalls = 0;
    // Nothing listens on port 1: every POST fails.
    configureEvents({ hooks: { onMatchEnd: () => void (hookCalls += 1) }, webhook: { url: "http://127.0.0.1:1/hook", secret: "a-webhook-secret-of-at-least-32-bytes!" } });
    const roomId = `events-split-${Date.now()}`;
    const { over, x, o } = await playTicTacToeWin(roomId, "sp-x", "sp-o");
    await expect
      .poll(async () => (await eventEntries(room("tictactoe", roomId))).map((e) => ({ kind: e.kind, key: e.key, isRetried: e.attempts >= 2 })), { timeout: 20_000 })
      .toEqual([{ kind: "event_webhook", key: `event_webhook:match.ended:${over.matchId}`, isRetried: true }]);
    expect(hookCalls).toBe(1);
    x.socket.close();
    o.socket.close();
  }, 30_000);

  it("writes nothing when no hook or webhook is configured", async () => {
    const roomId = `events-none-${Date.now()}`;
    const { x, o } = await playTicTacToeWin(roomId, "no-x", "no-o");
    expect(await eventEntries(room("tictactoe", roomId))).toEqual([]);
    x.socket.close();
    o.socket.close();
  });
});

describe("a match's end at a full outbox", () => {
  it(`still writes its event for the hook and the webhook: the ${OutboxLimits.RESERVED_ENTRIES} reserved entries hold its exports and its event`, async () => {
    // Nothing leaves the outbox: D1, R2, the hook and the webhook all refuse.
    vi.spyOn(D1LeaderboardStore.prototype, "apply").mockRejectedValue(new Error("D1 down"));
    vi.spyOn(D1RoomDirectory.prototype, "apply").mockRejectedValue(new Error("D1 down"));
    vi.spyOn(R2ReplayArchive.prototype, "put").mockRejectedValue(new Error("R2 down"));
    configureEvents({
      hooks: { onMatchEnd: () => { throw new Error("hook down"); } },
      webhook: { url: "http://127.0.0.1:1/hook", secret: "a-webhook-secret-of-at-least-32-bytes!" },
    });
    const roomId = `events-full-${Date.now()}`;
    const x = await join("tictactoe", roomId, "full-ev-x");
    const o = await join("tictactoe", roomId, "full-ev-o");
    // The room's ordinary entries (directory reports here) take the outbox up to its reserved entries.
    await runInDurableObject(room("tictactoe", roomId), (_r, state) => {
      const outbox = new SqliteOutbox(state.storage.sql);
      for (let i = 0; ; i++) {
        try {
          outbox.enqueue("directory", `filler:${i}`, JSON.stringify({ type: "deleted", reportedAt: 0, room: `doc/filler-${i}` }), Date.now());
        } catch (error) {
          if (error instanceof OutboxFullError) return;
          throw error;
        }
      }
    });
    const seqs = new Map<typeof x, number>();
    for (const [player, cell] of [[x, 0], [o, 3], [x, 1], [o, 4], [x, 2]] as const) {
      const seq = (seqs.get(player) ?? 0) + 1;
      seqs.set(player, seq);
      send(player.socket, seq, { type: "place", cell });
      await message(player.socket, "delta", (m) => m.ack === seq);
    }
    const over = await message(o.socket, "match_over");
    const stored = await runInDurableObject(room("tictactoe", roomId), (_r, state) => ({
      backlog: new SqliteOutbox(state.storage.sql).backlog(),
      keys: state.storage.sql.exec<{ key: string }>("SELECT key FROM outbox WHERE kind != 'directory' ORDER BY key").toArray().map((k) => k.key),
    }));
    expect(stored.keys).toEqual([
      `event_hook:match.ended:${over.matchId}`,
      `event_webhook:match.ended:${over.matchId}`,
      `leaderboard:${over.matchId}`,
      `replay:${over.matchId}`,
    ]);
    expect(stored.backlog).toBe(OutboxLimits.MAX_ENTRIES);
    x.socket.close();
    o.socket.close();
  }, 30_000);
});

describe("a room deleted with an outbox full of undelivered events", () => {
  it(`answers 200, delivers its own deleted event, and carries over the oldest ${OutboxLimits.MAX_ENTRIES - 2} of the others`, async () => {
    const deleted = recorder();
    const versionIds = new Set<string>();
    let isVersionHookDown = true;
    configureEvents({
      hooks: {
        onRoomDeleted: deleted.record,
        onDocumentVersion: (event) => {
          if (isVersionHookDown) throw new Error("version hook down");
          versionIds.add(event.id);
        },
      },
    });
    const roomId = `events-full-delete-${Date.now()}`;
    await editAndLeave(roomId, "ada", "a room with a long backlog");
    await runInDurableObject(env.DocRoom.getByName(roomId), (_r, state) => {
      // Only events: the version's upload and the directory report leave, as if delivered.
      state.storage.sql.exec("DELETE FROM outbox WHERE kind NOT IN (?, ?)", EVENT_OUTBOX_KINDS.hook, EVENT_OUTBOX_KINDS.webhook);
      const outbox = new SqliteOutbox(state.storage.sql);
      for (let i = 0; outbox.backlog() < OutboxLimits.MAX_ENTRIES; i++) {
        const event: RoomEvent = {
          id: `document.version:${roomId}:filler-${i}`,
          type: "document.version",
          at: Date.now(),
          room: `doc/${roomId}`,
          data: { roomId, versionId: `filler-${i}`, createdAt: Date.now(), bytes: 1, editors: ["ada"] },
        };
        outbox.enqueue(EVENT_OUTBOX_KINDS.hook, `${EVENT_OUTBOX_KINDS.hook}:${event.id}`, JSON.stringify(event), Date.now(), { isReserved: true });
      }
    });
    const response = await adminDelete(`doc/${roomId}`);
    expect(response.status).toBe(200);
    isVersionHookDown = false;
    await expect.poll(() => deleted.of(`doc/${roomId}`).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => eventEntries(env.DocRoom.getByName(roomId)).then((e) => e.length), { timeout: 60_000 }).toBe(0);
    // 1,000 waited; the delete's own entry needed room, so the 2 newest went (and were logged).
    expect(versionIds.size).toBe(OutboxLimits.MAX_ENTRIES - 2);
    expect(versionIds).not.toContain(`document.version:${roomId}:filler-998`);
  }, 90_000);
});
