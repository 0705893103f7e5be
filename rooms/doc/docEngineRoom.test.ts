// The document engine's room duties in Node, without workerd: admission quotas, proof of reading,
// y-partyserver custom messages, versions and restore, directory reports, the admin delete, and a
// document that fails to load. Counterparts of roomAdmission, slowConsumer, parties, docHistory,
// directory, admin and knownFailures in test/workers/.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCode, DocLimits, PROTOCOL_VERSION } from "../../protocol/index.ts";
import { MemorySocket } from "../engine/testing/memorySocket.ts";
import { RecordingServices, openSocket, testPorts, type TestPorts } from "../engine/testing/testRoom.ts";
import { joinDoc, newDocRoom, type DocTestRoom } from "./testing/docHarness.ts";
import { decodeFrame, encodeUpdate } from "./frames.ts";

const ROOM = "room-duties";

const newRoom = (ports?: TestPorts, services?: RecordingServices) => newDocRoom(ROOM, ports, services);
type Room = DocTestRoom;
const join = (room: Room, sub: string, role = "editor", path?: string) => joinDoc(room, sub, role, {}, path);

function hello(room: Room, socket: MemorySocket): void {
  room.engine.message(socket, JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
}

/** An update frame inserting `content` at the start of text "t" of a new client. */
function insertFrame(content: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, content);
  return encodeUpdate(Y.encodeStateAsUpdate(doc));
}

describe("document engine: room duties", () => {
  it("takes a room-creation token for a new room and closes with 4429 when none is left; caps connections per sub", async () => {
    const services = new RecordingServices();
    services.creationsAllowed = false;
    const room = newRoom(testPorts(ROOM), services);
    const refused = await join(room, "creator");
    expect(refused.closed?.code).toBe(CloseCode.RATE_LIMITED);
    expect(room.engine.core.exists()).toBe(false);
    // The per-sub cap is read once per room instance, as the Durable Object reads its env.
    const capped = new RecordingServices();
    capped.maxPerSub = 2;
    const other = newRoom(testPorts(ROOM), capped);
    await join(other, "tabs");
    await join(other, "tabs");
    const third = await join(other, "tabs");
    expect(third.closed).toEqual({ code: CloseCode.RATE_LIMITED, reason: "you hold 2 connections to this room already" });
    expect((await join(other, "someone-else")).closed).toBeNull();
  });

  it("closes with 4401 a socket without a verified identity, and 4403 one whose token names another room", async () => {
    const room = newRoom();
    const anonymous = new MemorySocket("anonymous");
    room.ports.host.all.push(anonymous);
    await room.engine.connect(anonymous, new Request("http://room.test/v1/doc/room-duties"));
    expect(anonymous.closed?.code).toBe(CloseCode.UNAUTHENTICATED);
    const forOther = await openSocket(room.engine, room.ports, { sub: "x", role: "editor", room: "doc/other" });
    expect(forOther.closed?.code).toBe(CloseCode.FORBIDDEN);
  });

  it("probes a reader that does not prove it reads, and closes it with 4408 past the unread bound", async () => {
    const room = newRoom();
    const writer = await join(room, "writer");
    const stalled = await join(room, "stalled");
    room.ports.durability.isImmediate = true;
    const chunk = "x".repeat(512 * 1024);
    for (let i = 0; stalled.isOpen && i < (DocLimits.PROBE_AFTER_BYTES + DocLimits.MAX_UNREAD_BYTES) / chunk.length + 4; i++) {
      room.engine.message(writer, insertFrame(chunk));
      await room.ports.durability.land();
    }
    expect(stalled.closed?.code).toBe(CloseCode.SLOW_CONSUMER);
    // The probe it never answered was a sync step 1, which every y-protocols client answers.
    expect(stalled.binaries().filter((f) => decodeFrame(f).type === "sync_step1").length).toBeGreaterThanOrEqual(2);
    expect(writer.closed).toBeNull();
  });

  it("relays y-partyserver custom messages only to the other /parties/ sockets", async () => {
    const room = newRoom();
    const sender = await join(room, "a", "viewer", "/parties/main/room-duties");
    const party = await join(room, "b", "editor", "/parties/main/room-duties");
    const stock = await join(room, "c", "editor", "/v1/doc/room-duties");
    room.engine.message(sender, "__YPS:hello-peers");
    expect(party.frames).toContain("__YPS:hello-peers");
    expect(stock.frames).not.toContain("__YPS:hello-peers");
    expect(sender.frames).not.toContain("__YPS:hello-peers");
  });

  it("takes a version, uploads it to the archive at the alarm, and restores it as a new update", async () => {
    const room = newRoom();
    const editor = await join(room, "editor");
    room.ports.durability.isImmediate = true;
    room.engine.message(editor, insertFrame("first"));
    const taken = room.admin.takeVersionNow();
    if (taken.type !== "taken") throw new Error(`no version: ${taken.reason}`);
    room.engine.message(editor, insertFrame("second "));
    expect(room.engine.doc.getText("t").toString()).toContain("second");
    room.ports.clock.advance(1_000);
    await room.engine.alarm();
    expect([...room.ports.archive.objects.keys()]).toEqual([expect.stringContaining(taken.version.id)]);
    expect(await room.admin.restoreVersion(taken.version.id)).toBe(true);
    expect(room.engine.doc.getText("t").toString()).toBe("first");
    expect(await room.admin.restoreVersion("no-such-version")).toBe(false);
  });

  it("reports the room to the directory at the alarm, throttled, with its connections and lock", async () => {
    const room = newRoom();
    await join(room, "one");
    expect(room.ports.scheduler.alarmAt).not.toBeNull();
    room.ports.clock.advance(5_000);
    await room.engine.alarm();
    const report = room.services.reports.at(-1);
    expect(report).toMatchObject({ type: "entry", entry: { room: `doc/${ROOM}`, kind: "doc", connections: 1, isLocked: false } });
  });

  it("an admin delete closes every socket with 4404, empties the archive and the storage, and drops the instance", async () => {
    const room = newRoom();
    const editor = await join(room, "editor");
    room.ports.durability.isImmediate = true;
    room.engine.message(editor, insertFrame("doomed"));
    room.admin.takeVersionNow();
    room.ports.clock.advance(1_000);
    await room.engine.alarm();
    expect(room.ports.archive.objects.size).toBe(1);
    const report = await room.engine.core.purge();
    expect(report).toMatchObject({ isComplete: true, removed: { r2Objects: 1, directoryRows: 1 } });
    expect(editor.closed?.code).toBe(CloseCode.NOT_FOUND);
    expect(room.ports.archive.objects.size).toBe(0);
    expect(room.ports.host.drops).toEqual(["room deleted"]);
    expect(newRoom(testPorts(ROOM, { db: room.ports.db })).engine.doc.getText("t").toString()).toBe("");
  });

  it("broadcasts a system message only to clients that read control messages", async () => {
    const room = newRoom();
    const sdk = await join(room, "sdk");
    hello(room, sdk);
    const stock = await join(room, "stock");
    expect(room.engine.core.broadcastSystem("maintenance at noon")).toBe(1);
    expect(sdk.controls().filter((c) => c.type === "system")).toEqual([{ type: "system", message: "maintenance at noon" }]);
    expect(stock.frames.filter((f) => typeof f === "string")).toEqual([]);
  });

  it("a document that fails to load refuses every socket with 4500, writes nothing, and drops the instance", async () => {
    const ports = testPorts(ROOM);
    const first = newRoom(ports);
    const editor = await join(first, "editor");
    first.ports.durability.isImmediate = true;
    first.engine.message(editor, insertFrame("kept safe"));
    ports.db.sql.exec("UPDATE doc_update_log SET data = substr(data, 1, length(data) - 4)");
    const broken = newRoom(testPorts(ROOM, { db: ports.db }));
    expect(broken.engine.loadError).not.toBeNull();
    const late = await join(broken, "late");
    expect(late.closed?.code).toBe(CloseCode.INTERNAL);
    expect(broken.ports.host.drops).toHaveLength(1);
    expect(() => broken.admin.compact()).toThrow("could not be loaded");
  });
});
