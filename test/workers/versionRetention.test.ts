// Issue 13, section 3: document history stays bounded. No version for an empty or unchanged document,
// at most one a minute per room (a version due sooner is deferred to the minute's end, not dropped),
// the newest 50 kept, and an admin DELETE removes the room's R2 objects and reports what it removed.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { SqliteOutbox, docVersionKey } from "../../persistence/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { playTicTacToeWin } from "./gameHelpers.ts";
import { BASE, devToken, editFrame, openSdkDoc } from "./helpers.ts";

const docRoom = (roomId: string) => env.DocRoom.getByName(roomId);
const inDoc = <R>(roomId: string, fn: (room: DocRoom) => R | Promise<R>) => runInDurableObject(docRoom(roomId), (room: DocRoom) => fn(room));
const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}/v1/admin${path}`, { ...init, headers: { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" } });
const r2Keys = async (prefix: string) => (await env.ARCHIVE.list({ prefix })).objects.map((o) => o.key);

/** One visit: connects, makes `edit` (if any) and waits for `saved`, then leaves. */
async function visit(roomId: string, sub: string, doc: Y.Doc, edit?: (doc: Y.Doc) => void): Promise<void> {
  const socket = await openSdkDoc(roomId, await devToken({ sub, room: "doc/*", role: edit ? "editor" : "viewer" }));
  if (edit) {
    const seen = socket.frames.length;
    socket.send(editFrame(doc, edit));
    await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
  }
  socket.close();
  await socket.closed;
}

/** Runs the room's alarm until its outbox is empty, making every entry due first: uploads and prunes are done. */
async function drainOutbox(roomId: string): Promise<void> {
  for (let round = 0; round < 60; round++) {
    const backlog = await runInDurableObject(docRoom(roomId), async (_r, state) => {
      state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0");
      await state.storage.setAlarm(Date.now());
      return state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
    });
    if (backlog === 0) return;
    await runDurableObjectAlarm(docRoom(roomId));
  }
  throw new Error("the outbox did not drain");
}

const versionDueAt = (roomId: string) =>
  runInDurableObject(docRoom(roomId), (_r, state) => state.storage.sql.exec<{ due_at: number | null }>("SELECT due_at FROM doc_version_schedule").one().due_at);

/** Moves the room's version clock a minute back, as if the minute had passed, and runs its alarm. */
async function passTheMinute(roomId: string, { isDueExpected = true } = {}): Promise<void> {
  // A room's leaving is handled after its socket closed: wait until the version it owes is recorded.
  if (isDueExpected) await expect.poll(() => versionDueAt(roomId), { message: "a version owed at the minute's end" }).not.toBeNull();
  await runInDurableObject(docRoom(roomId), (_r, state) => {
    state.storage.sql.exec("UPDATE doc_version_schedule SET last_version_at = last_version_at - 60000, due_at = due_at - 60000");
  });
  await runDurableObjectAlarm(docRoom(roomId));
}

/** Merges text into the document through the admin API, as an operator's import. */
async function importText(roomId: string, text: string): Promise<void> {
  const doc = new Y.Doc();
  doc.getText(`import-${crypto.randomUUID()}`).insert(0, text);
  const response = await admin(`/rooms/doc/${roomId}/import`, { method: "POST", body: Y.encodeStateAsUpdate(doc) });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("versions at most once a minute, none for an empty or unchanged document", () => {
  it("20 short visits to a large document store a bounded number of versions, and the latest state still gets one", async () => {
    const roomId = `retention-visits-${Date.now()}`;
    const doc = new Y.Doc();
    await visit(roomId, "owner", doc, (d) => d.getText("t").insert(0, "x".repeat(200 * 1024)));
    const started = Date.now();
    // 20 visits: every other one types one character, the rest only look.
    for (let i = 0; i < 20; i++) {
      await visit(roomId, `visitor-${i}`, doc, i % 2 === 0 ? (d) => d.getText("t").insert(0, String(i % 10)) : undefined);
    }
    const elapsedMinutes = Math.ceil((Date.now() - started) / 60_000);
    const versions = await inDoc(roomId, (r) => r.listVersions());
    // The first visit's version, plus at most one per minute the visits took.
    expect(versions.length, "versions after 20 visits").toBeLessThanOrEqual(1 + elapsedMinutes);

    // The last edits were not dropped: their version is owed, and comes when the minute has passed.
    await passTheMinute(roomId);
    await drainOutbox(roomId);
    const after = await inDoc(roomId, (r) => r.listVersions());
    expect(after.length).toBe(versions.length + 1);
    const newest = after.at(-1)!;
    // Everyone who typed since the first version, none of those who only looked.
    expect(newest.editors).toEqual(Array.from({ length: 10 }, (_, i) => `visitor-${2 * i}`).sort());
    const stored = new Y.Doc();
    Y.applyUpdate(stored, new Uint8Array(await (await env.ARCHIVE.get(docVersionKey(roomId, newest.id)))!.arrayBuffer()));
    expect(stored.getText("t").toString()).toBe(doc.getText("t").toString());
    // Taken: nothing is deferred any more, so a further alarm adds nothing.
    await passTheMinute(roomId, { isDueExpected: false });
    expect(await inDoc(roomId, (r) => r.listVersions().length)).toBe(after.length);
  }, 60_000);

  it("makes no version of a document nobody wrote to", async () => {
    const roomId = `retention-empty-${Date.now()}`;
    await visit(roomId, "looker", new Y.Doc());
    const silent = await openSdkDoc(roomId, await devToken({ sub: "silent-editor", room: "doc/*", role: "editor" }));
    silent.close();
    await silent.closed;
    expect(await inDoc(roomId, (r) => r.listVersions())).toEqual([]);
    expect(await inDoc(roomId, (r) => r.snapshotVersion())).toBeNull();
    expect(await r2Keys(`docs/${roomId}/`)).toEqual([]);
  });

  it("defers nothing for an unchanged document", async () => {
    const roomId = `retention-unchanged-${Date.now()}`;
    await visit(roomId, "ada", new Y.Doc(), (d) => d.getText("t").insert(0, "hello"));
    expect(await inDoc(roomId, (r) => r.listVersions().length)).toBe(1);
    for (let i = 0; i < 3; i++) await visit(roomId, `looker-${i}`, new Y.Doc());
    expect(await versionDueAt(roomId)).toBeNull();
    await passTheMinute(roomId, { isDueExpected: false });
    expect(await inDoc(roomId, (r) => r.listVersions().length)).toBe(1);
  });
});

describe("a full outbox", () => {
  it("defers a version instead of failing the alarm that drains it, and the version comes once it drained", async () => {
    const roomId = `retention-full-${Date.now()}`;
    await visit(roomId, "ada", new Y.Doc(), (d) => d.getText("t").insert(0, "one"));
    await drainOutbox(roomId);
    // Prunes of versions that are not there, until the outbox takes no more ordinary entries (the last
    // slots are kept for a match's end): R2 takes them harmlessly when they are flushed.
    await runInDurableObject(docRoom(roomId), (_r, state) => {
      const outbox = new SqliteOutbox(state.storage.sql);
      for (let i = outbox.backlog(); !outbox.isFull(); i++) outbox.enqueue("doc_version_prune", `filler:${i}`, `filler-${i}`, Date.now() + 3_600_000);
    });
    await importText(roomId, "two");
    const taken = await admin(`/rooms/doc/${roomId}/versions`, { method: "POST" });
    expect(await taken.json()).toEqual({ version: null, skipped: "outbox_full" });
    await visit(roomId, "looker", new Y.Doc()); // the room empties with a change: a version is owed
    await passTheMinute(roomId);
    expect(await versionDueAt(roomId), "owed again, a minute on").not.toBeNull();
    expect(await inDoc(roomId, (r) => r.listVersions().length)).toBe(1);
    await drainOutbox(roomId);
    await passTheMinute(roomId);
    expect(await inDoc(roomId, (r) => r.listVersions().map((v) => v.editors))).toEqual([["ada"], ["import"]]);
  }, 30_000);
});

describe("the newest 50 versions are kept", () => {
  it("prunes the oldest from the listing and from R2 past 50", async () => {
    const roomId = `retention-prune-${Date.now()}`;
    await visit(roomId, "ada", new Y.Doc(), (d) => d.getText("t").insert(0, "start"));
    const ids: string[] = (await inDoc(roomId, (r) => r.listVersions())).map((v) => v.id);
    for (let i = 0; i < 52; i++) {
      await importText(roomId, `change ${i}`);
      const id = await inDoc(roomId, (r) => r.snapshotVersion());
      expect(id, `version ${i}`).not.toBeNull();
      ids.push(id!);
    }
    await drainOutbox(roomId);
    const kept = ids.slice(-50);
    expect((await inDoc(roomId, (r) => r.listVersions())).map((v) => v.id)).toEqual(kept);
    expect(await r2Keys(`docs/${roomId}/versions/`)).toEqual(kept.map((id) => docVersionKey(roomId, id)));
  }, 60_000);
});

describe("an operator takes a version now", () => {
  it("POST .../versions takes one inside the minute, and says why when there is nothing to take", async () => {
    const roomId = `retention-take-${Date.now()}`;
    await visit(roomId, "ada", new Y.Doc(), (d) => d.getText("t").insert(0, "one"));
    const take = async () => {
      const response = await admin(`/rooms/doc/${roomId}/versions`, { method: "POST" });
      return { status: response.status, body: (await response.json()) as { version: { id: string; editors: string[] } | null; skipped?: string } };
    };
    expect(await take()).toMatchObject({ status: 200, body: { version: null, skipped: "unchanged" } });
    await importText(roomId, "two");
    const taken = await take();
    expect(taken).toMatchObject({ status: 200, body: { version: { editors: ["import"] } } });
    expect((await inDoc(roomId, (r) => r.listVersions())).map((v) => v.id)).toContain(taken.body.version!.id);
    expect((await admin("/rooms/game/tictactoe/whatever/versions", { method: "POST" })).status).toBe(400);
    expect((await admin("/rooms/doc/never-used-room/versions", { method: "POST" })).status).toBe(404);
  });
});

interface DeleteReport {
  ok: true;
  isComplete: boolean;
  removed: { r2Objects: number; r2Bytes: number; directoryRows: number; sqliteRows: number };
  kept: string[];
}

describe("admin DELETE removes a room's R2 objects and rows, and says what it removed", () => {
  it("a document room: its versions in R2, its directory row, its DO SQLite", async () => {
    const roomId = `retention-del-${Date.now()}`;
    await visit(roomId, "ada", new Y.Doc(), (d) => d.getText("t").insert(0, "one"));
    for (const text of ["two", "three"]) {
      await importText(roomId, text);
      await inDoc(roomId, (r) => r.snapshotVersion());
    }
    await drainOutbox(roomId);
    // A neighbour whose id starts with this one's keeps its objects.
    await env.ARCHIVE.put(docVersionKey(`${roomId}0`, "neighbour"), "x");
    expect(await r2Keys(`docs/${roomId}/`)).toHaveLength(3);

    const response = await admin(`/rooms/doc/${roomId}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    const report = (await response.json()) as DeleteReport;
    expect(report).toMatchObject({ ok: true, isComplete: true, removed: { r2Objects: 3, directoryRows: 1 } });
    expect(report.removed.r2Bytes).toBeGreaterThan(0);
    expect(report.removed.sqliteRows).toBeGreaterThan(0);
    expect(report.kept.join(" ")).toMatch(/leaderboard/);
    expect(await r2Keys(`docs/${roomId}/`)).toEqual([]);
    expect(await r2Keys(`docs/${roomId}0/`)).toHaveLength(1);
    await expect.poll(async () => (await admin(`/rooms/doc/${roomId}`)).status).toBe(404);
  }, 30_000);

  it("a game room: its replays in R2; the leaderboard entries stay with the players", async () => {
    const roomId = `retention-game-${Date.now()}`;
    const { x, o } = await playTicTacToeWin(roomId);
    const prefix = `replays/tictactoe/${roomId}/`;
    await expect.poll(() => r2Keys(prefix), { timeout: 15_000 }).toHaveLength(1);
    const response = await admin(`/rooms/game/tictactoe/${roomId}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ isComplete: true, removed: { r2Objects: 1 } });
    expect(await r2Keys(prefix)).toEqual([]);
    for (const { socket } of [x, o]) expect((await socket.closed).code).toBe(4404);
  }, 30_000);

  it("past the objects one request deletes, says it is not complete and keeps the room until a later DELETE finishes", async () => {
    const roomId = `retention-many-${Date.now()}`;
    await visit(roomId, "ada", new Y.Doc(), (d) => d.getText("t").insert(0, "one"));
    await drainOutbox(roomId);
    for (let i = 0; i < 4; i++) await env.ARCHIVE.put(docVersionKey(roomId, `extra-${i}`), "x");
    const first = await inDoc(roomId, (r) => r.purge({ maxR2Objects: 2 }));
    expect(first).toMatchObject({ isComplete: false, removed: { r2Objects: 2, directoryRows: 0, sqliteRows: 0 } });
    expect(await r2Keys(`docs/${roomId}/`)).toHaveLength(3);
    expect(await inDoc(roomId, (r) => r.exists())).toBe(true);
    const response = await admin(`/rooms/doc/${roomId}`, { method: "DELETE" });
    expect(await response.json()).toMatchObject({ isComplete: true, removed: { r2Objects: 3 } });
    expect(await r2Keys(`docs/${roomId}/`)).toEqual([]);
  });
});
