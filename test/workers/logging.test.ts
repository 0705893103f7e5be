// README: "the service logs one JSON line per auth refusal, close (with its code), flush failure and
// admin action". Rooms run in this isolate, so a spy on console.log sees their lines too.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import * as Y from "yjs";
import { SqliteOutbox } from "../../persistence/index.ts";
import { openGame } from "./gameHelpers.ts";
import { BASE, devToken, editFrame, openDoc, openSdkDoc } from "./helpers.ts";

const ADMIN = { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" };
const admin = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}/v1/admin${path}`, { ...init, headers: { ...ADMIN, ...init.headers } });

let log: MockInstance<typeof console.log>;
beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => log.mockRestore());

/** Every line logged so far, each of which must be one JSON object naming its event. */
function logged(): Record<string, unknown>[] {
  return log.mock.calls.map((args) => {
    expect(args).toHaveLength(1);
    expect(args[0]).toBeTypeOf("string");
    const line = JSON.parse(args[0] as string) as Record<string, unknown>;
    expect(line.event).toBeTypeOf("string");
    return line;
  });
}

/** The lines of `event` that match `fields`. */
const linesOf = (event: string, fields: Record<string, unknown>) =>
  logged().filter((line) => line.event === event && Object.entries(fields).every(([key, value]) => line[key] === value));

async function editAndLeave(roomId: string, text: string): Promise<void> {
  const socket = await openSdkDoc(roomId, await devToken({ sub: "ada", room: `doc/${roomId}`, role: "editor" }));
  const seen = socket.frames.length;
  socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, text)));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "saved", seen);
  socket.close();
  await socket.closed;
}

describe("one JSON line per auth refusal", () => {
  it("a room socket with a bad token", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/doc/log-auth?token=bad`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(401);
    expect(linesOf("auth_refused", { room: "doc/log-auth", status: 401 })).toHaveLength(1);
  });

  it("a document's version list with a token for another room", async () => {
    const token = await devToken({ sub: "ada", room: "doc/elsewhere", role: "editor" });
    const response = await exports.default.fetch(`${BASE}/v1/doc/log-versions/versions?token=${token}`);
    expect(response.status).toBe(403);
    expect(linesOf("auth_refused", { room: "doc/log-versions", status: 403 })).toHaveLength(1);
  });

  it("matchmaking without a token", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/match/arena`, { method: "POST", body: JSON.stringify({ mode: "quick" }) });
    expect(response.status).toBe(401);
    expect(linesOf("auth_refused", { room: "game/arena/*", status: 401 })).toHaveLength(1);
  });

  it("an admin route with a wrong admin token", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/admin/rooms/doc/log-admin-auth`, { headers: { Authorization: "Bearer wrong" } });
    expect(response.status).toBe(401);
    expect(linesOf("admin_auth_refused", { path: "/v1/admin/rooms/doc/log-admin-auth" })).toHaveLength(1);
  });
});

describe("one JSON line per close, with its code", () => {
  it("a document frame over 1 MiB: 4413", async () => {
    const socket = await openDoc("log-close", await devToken({ sub: "ada", room: "doc/log-close", role: "editor" }));
    socket.send(new Uint8Array(1024 * 1024 + 1));
    expect((await socket.closed).code).toBe(4413);
    expect(linesOf("connection_closed", { room: "doc/log-close", code: 4413 })).toHaveLength(1);
  });

  it("a game hello of another protocol version: 4426", async () => {
    const socket = await openGame("arena", "log-close", "ada");
    socket.send(JSON.stringify({ type: "hello", protocol: 7 }));
    expect((await socket.closed).code).toBe(4426);
    expect(linesOf("connection_closed", { room: "game/arena/log-close", code: 4426 })).toHaveLength(1);
  });
});

describe("one JSON line per flush failure", () => {
  it("an outbox entry its store refuses", async () => {
    await editAndLeave("log-flush", "x");
    const room = env.DocRoom.getByName("log-flush");
    await runInDurableObject(room, async (_instance, state) => {
      // A directory report that is not JSON: delivering it throws, as a store that refuses it would.
      new SqliteOutbox(state.storage.sql).enqueue("directory", "log-flush-broken", "not json", Date.now() - 60_000);
      await state.storage.setAlarm(Date.now());
    });
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(linesOf("flush_failed", { room: "doc/log-flush" })).toHaveLength(1);
  });
});

describe("one JSON line per admin action", () => {
  it("kick, broadcast, lock, import, restore and delete each log once", async () => {
    await editAndLeave("log-admin", "first");
    const versions = () => runInDurableObject(env.DocRoom.getByName("log-admin"), (r) => r.listVersions());
    await expect.poll(async () => (await versions()).length).toBe(1);
    const [version] = await versions();
    const viewer = await openSdkDoc("log-admin", await devToken({ sub: "bob", room: "doc/log-admin", role: "viewer" }));

    const post = (path: string, body: unknown) => admin(`/rooms/doc/log-admin${path}`, { method: "POST", body: JSON.stringify(body) });
    const imported = new Y.Doc();
    imported.getText("t").insert(0, "imported");
    const actions: [string, () => Promise<Response>][] = [
      ["admin_broadcast", () => post("/broadcast", { message: "hello" })],
      ["admin_lock", () => post("/lock", { locked: true })],
      ["admin_lock", () => post("/lock", { locked: false })],
      ["admin_import", () => admin("/rooms/doc/log-admin/import", { method: "POST", body: Y.encodeStateAsUpdate(imported) })],
      ["admin_restore", () => admin(`/rooms/doc/log-admin/versions/${version!.id}/restore`, { method: "POST" })],
      ["admin_kick", () => post("/kick", { userId: "bob", reason: "test" })],
      ["admin_delete", () => admin("/rooms/doc/log-admin", { method: "DELETE" })],
    ];
    for (const [event, act] of actions) {
      const before = linesOf(event, { room: "doc/log-admin" }).length;
      expect((await act()).status, event).toBe(200);
      expect(linesOf(event, { room: "doc/log-admin" }).length, event).toBe(before + 1);
    }
    expect((await viewer.closed).code).toBe(4403);
  });
});
