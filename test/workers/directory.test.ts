// README, "Operating": every room reports its lifecycle to the room directory in D1, through its
// outbox and at most once every 5 seconds; DELETE /v1/admin/rooms/{roomPath} removes its row.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { D1RoomDirectory } from "../../persistence/index.ts";
import type { DirectoryReport } from "../../protocol/index.ts";
import { BASE, devToken, encodeSyncStep1, openDoc } from "./helpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}/v1/admin${path}`, { ...init, headers: { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" } });
const directoryRow = (room: string) =>
  env.DB.prepare("SELECT room, connections FROM room_directory WHERE room = ?").bind(room).first<{ room: string; connections: number }>();
const editorToken = (sub: string) => devToken({ sub, room: "doc/*", role: "editor" });
/** A client that opens with a sync step 1, as every y-protocols client does: a silent socket is closed after 5 s. */
async function openClient(roomId: string, sub: string) {
  const socket = await openDoc(roomId, await editorToken(sub));
  socket.send(encodeSyncStep1(new Y.Doc()));
  return socket;
}

describe("the room directory", () => {
  it("gets at most one write per 5 s from a busy room, and the room's latest state after the burst", async () => {
    const roomId = `dir-throttle-${Date.now()}`;
    const room = `doc/${roomId}`;
    const writes: DirectoryReport[] = [];
    const apply = D1RoomDirectory.prototype.apply;
    vi.spyOn(D1RoomDirectory.prototype, "apply").mockImplementation(async function (this: D1RoomDirectory, report) {
      if (report.type === "entry" && report.entry.room === room) writes.push(report);
      return apply.call(this, report);
    });

    // 21 changes the directory shows, in far less than 5 s: a join, then 10 visitors who come and go.
    const ada = await openClient(roomId, "ada");
    for (let i = 0; i < 10; i++) {
      const visitor = await openDoc(roomId, await editorToken(`visitor-${i}`));
      visitor.close();
      await visitor.closed;
    }
    const bob = await openClient(roomId, "bob");

    await expect.poll(async () => (await directoryRow(room))?.connections, { timeout: 20_000, message: "the room's latest state in D1" }).toBe(2);
    const gaps = writes.slice(1).map((w, i) => w.reportedAt - writes[i]!.reportedAt);
    expect(writes.length, "directory writes for the burst").toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps), "ms between two directory writes of one room").toBeGreaterThanOrEqual(5000);
    for (const s of [ada, bob]) s.close();
  }, 30_000);

  it("loses the room's row when an admin deletes the room", async () => {
    const roomId = `dir-delete-${Date.now()}`;
    const room = `doc/${roomId}`;
    const socket = await openClient(roomId, "ada");
    await expect.poll(() => directoryRow(room), { timeout: 15_000, message: "the room in the directory" }).toEqual({ room, connections: 1 });

    expect((await admin(`/rooms/${room}`, { method: "DELETE" })).status).toBe(200);
    expect(await directoryRow(room), "the row once DELETE answered").toBeNull();
    expect((await socket.closed).code).toBe(4404);
    const listed = (await (await admin("/rooms?kind=doc&limit=100")).json()) as { rooms: { room: string }[] };
    expect(listed.rooms.map((r) => r.room)).not.toContain(room);
    expect(await directoryRow(room), "the row after the room's connections closed").toBeNull();
  }, 30_000);
});
