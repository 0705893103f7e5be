import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { docVersionKey } from "../../persistence/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { BASE, devToken, editFrame, openSdkDoc, type TestSocket } from "./helpers.ts";

const inDoc = <R>(roomId: string, fn: (room: DocRoom) => R | Promise<R>) =>
  runInDurableObject(env.DocRoom.getByName(roomId), (room: DocRoom) => fn(room));

const dueAt = (roomId: string) =>
  runInDurableObject(env.DocRoom.getByName(roomId), (_r, state) => state.storage.sql.exec<{ due_at: number | null }>("SELECT due_at FROM doc_version_schedule").one().due_at);

/**
 * Versions are at most a minute apart; a later one waits for the room's alarm at the minute's end.
 * Waits until the room owes one, moves its version clock a minute back and runs that alarm now.
 */
async function passTheMinute(roomId: string): Promise<void> {
  await expect.poll(() => dueAt(roomId), { message: "a version owed at the minute's end" }).not.toBeNull();
  await runInDurableObject(env.DocRoom.getByName(roomId), (_r, state) => {
    state.storage.sql.exec("UPDATE doc_version_schedule SET last_version_at = last_version_at - 60000, due_at = due_at - 60000");
  });
  await runDurableObjectAlarm(env.DocRoom.getByName(roomId));
}

async function editAndLeave(roomId: string, sub: string, edit: (doc: Y.Doc) => void, doc = new Y.Doc()): Promise<void> {
  const socket: TestSocket = await openSdkDoc(roomId, await devToken({ sub, room: "doc/*", role: "editor" }));
  const seen = socket.frames.length;
  socket.send(editFrame(doc, edit));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
  socket.close();
  await socket.closed;
}

describe("document history", () => {
  it("exports a version to R2 when the room empties, with its time, size and editors", async () => {
    const doc = new Y.Doc();
    await editAndLeave("history-1", "ada", (d) => d.getText("t").insert(0, "first draft"), doc);
    await expect.poll(() => inDoc("history-1", (r) => r.listVersions().length)).toBe(1);
    await expect.poll(() => inDoc("history-1", (r) => r.listVersions()[0]!.isUploaded), { timeout: 10_000 }).toBe(true);
    const [version] = await inDoc("history-1", (r) => r.listVersions());
    expect(version).toMatchObject({ editors: ["ada"] });
    expect(version!.bytes).toBeGreaterThan(0);
    expect(version!.createdAt).toBeLessThanOrEqual(Date.now());
    const object = await env.ARCHIVE.get(docVersionKey("history-1", version!.id));
    const stored = new Y.Doc();
    Y.applyUpdate(stored, new Uint8Array(await object!.arrayBuffer()));
    expect(stored.getText("t").toString()).toBe("first draft");
  });

  it("makes no new version for an unchanged document", async () => {
    const doc = new Y.Doc();
    const exported = (roomId: string) =>
      inDoc(roomId, (r) => r.listVersions()).then((versions) => (versions.every((v) => v.isUploaded) ? versions.length : 0));
    await editAndLeave("history-2", "ada", (d) => d.getText("t").insert(0, "same"), doc);
    await expect.poll(() => exported("history-2"), { timeout: 10_000 }).toBe(1);
    // A viewer empties the room again without changing the document: no version may follow.
    const socket = await openSdkDoc("history-2", await devToken({ sub: "bob", room: "doc/*", role: "viewer" }));
    socket.close();
    await socket.closed;
    // The next change's export marks a point after the viewer's leaving was handled: only it may add a version.
    await editAndLeave("history-2", "ada", (d) => d.getText("t").insert(4, " again"), doc);
    await passTheMinute("history-2");
    await expect.poll(() => exported("history-2"), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect((await inDoc("history-2", (r) => r.listVersions())).map((v) => v.editors)).toEqual([["ada"], ["ada"]]);
    expect((await env.ARCHIVE.list({ prefix: "docs/history-2/versions/" })).objects).toHaveLength(2);
    expect(await inDoc("history-2", (r) => r.snapshotVersion())).toBeNull();
    expect(await inDoc("history-2", (r) => r.listVersions().length)).toBe(2);
  });

  it("restores a version as a new update, keeping history", async () => {
    const doc = new Y.Doc();
    await editAndLeave("history-3", "ada", (d) => d.getText("t").insert(0, "version one"), doc);
    await expect.poll(() => inDoc("history-3", (r) => r.listVersions().length)).toBe(1);
    await editAndLeave("history-3", "bob", (d) => d.getText("t").insert(11, " then two"), doc);
    await passTheMinute("history-3");
    await expect.poll(() => inDoc("history-3", (r) => r.listVersions().length)).toBe(2);
    const [first, second] = await inDoc("history-3", (r) => r.listVersions());
    expect(second!.editors).toEqual(["bob"]);

    const watcher = await openSdkDoc("history-3", await devToken({ sub: "carol", room: "doc/*", role: "viewer" }));
    const seen = watcher.frames.length;
    expect(await inDoc("history-3", (r) => r.restoreVersion(first!.id))).toBe(true);
    expect(await inDoc("history-3", (r) => r.document.getText("t").toString())).toBe("version one");
    // The restore reached connected clients as an ordinary update.
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 2, seen);
    watcher.close();
    await watcher.closed;
    await passTheMinute("history-3");
    await expect.poll(() => inDoc("history-3", (r) => r.listVersions().length)).toBe(3);
    const versions = await inDoc("history-3", (r) => r.listVersions());
    expect(versions.map((v) => v.id).slice(0, 2)).toEqual([first!.id, second!.id]);
    expect(versions[2]!.editors).toEqual([`restore:${first!.id}`]);
    expect(await inDoc("history-3", (r) => r.restoreVersion("no-such-version"))).toBe(false);
  });

  it("lists versions and serves a preview over HTTP to holders of a token for the room", async () => {
    await editAndLeave("history-4", "ada", (d) => d.getText("t").insert(0, "preview me"));
    await expect.poll(() => inDoc("history-4", (r) => r.listVersions().length)).toBe(1);
    const token = await devToken({ sub: "viewer", room: "doc/history-4", role: "viewer" });
    const list = await exports.default.fetch(`${BASE}/v1/doc/history-4/versions?token=${token}`);
    expect(list.status).toBe(200);
    const { versions } = await list.json<{ versions: { id: string; editors: string[] }[] }>();
    expect(versions).toHaveLength(1);
    const preview = await exports.default.fetch(`${BASE}/v1/doc/history-4/versions/${versions[0]!.id}?token=${token}`);
    expect(preview.headers.get("Content-Type")).toBe("application/octet-stream");
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await preview.arrayBuffer()));
    expect(doc.getText("t").toString()).toBe("preview me");
    expect((await exports.default.fetch(`${BASE}/v1/doc/history-4/versions`)).status).toBe(401);
    expect((await exports.default.fetch(`${BASE}/v1/doc/history-4/versions/nope?token=${token}`)).status).toBe(404);
  });
});
