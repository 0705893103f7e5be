// Fan-out and joins at the floor (issue 17, item 3), on memory ports: the per-connection hot path
// parses no connection state, and frames every reader gets alike are encoded once for all of them.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";

// Counts how often the room encodes the whole document (Yjs's own function, called through).
vi.mock("yjs", async (importOriginal) => {
  const yjs = await importOriginal<typeof import("yjs")>();
  return { ...yjs, encodeStateAsUpdate: vi.fn(yjs.encodeStateAsUpdate) };
});
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import { hangUp, testPorts, type TestPorts } from "../engine/testing/testRoom.ts";
import { editFrame } from "../engine/testing/yjsFrames.ts";
import { DocConnectionState } from "./connectionState.ts";
import { joinDoc, newDocRoom, type DocTestRoom } from "./testing/docHarness.ts";
import { DocAdmin } from "./docAdmin.ts";
import { decodeFrame } from "./frames.ts";

const ROOM = "fanout";

const newRoom = (ports?: TestPorts) => newDocRoom(ROOM, ports);
type Room = DocTestRoom;
const join = (room: Room, sub: string, path?: string) => joinDoc(room, sub, "editor", {}, path);

/** A fresh client's sync step 1: an empty state vector. */
const freshStep1 = () => new Uint8Array([0, 0, 1, 0]);

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(Y.encodeStateAsUpdate).mockClear();
});

describe("fan-out and joins at the floor", () => {
  it("parses a connection's state once, not at every frame it sends or every frame sent past it", async () => {
    const room = newRoom();
    const writer = await join(room, "writer");
    room.engine.message(writer, JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    const parties = await Promise.all(Array.from({ length: 20 }, (_, i) => join(room, `party-${i}`, "/parties/main/fanout")));
    const doc = new Y.Doc();
    room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, "warm")));
    room.engine.message(writer, "__YPS:warm");
    const parses = vi.spyOn(DocConnectionState, "safeParse");
    for (let i = 0; i < 10; i++) {
      room.engine.message(writer, editFrame(doc, (d) => d.getText("t").insert(0, String(i))));
      room.engine.message(writer, `__YPS:${i}`);
      await room.ports.durability.land();
    }
    expect(parties.every((p) => p.frames.filter((f) => f === "__YPS:9").length === 1)).toBe(true);
    expect(parses).not.toHaveBeenCalled();
  });

  it("answers fresh clients' sync step 1 with one encoded frame, the stored snapshot after a cold load", async () => {
    const first = newRoom();
    new DocAdmin(first.engine).importDocument(Y.encodeStateAsUpdate(docWith("stored text")));
    const owner = await join(first, "owner");
    await hangUp(first.engine, first.ports, owner);
    const snapshot = first.engine.store.load().snapshot;
    expect(snapshot).not.toBeNull();

    const room = newRoom(testPorts(ROOM, { db: first.ports.db }));
    const [a, b] = [await join(room, "a"), await join(room, "b")];
    vi.mocked(Y.encodeStateAsUpdate).mockClear();
    room.engine.message(a, freshStep1());
    room.engine.message(b, freshStep1());
    // Served from the stored bytes: the document was not encoded for either client.
    expect(Y.encodeStateAsUpdate).not.toHaveBeenCalled();
    const [stepA, stepB] = [a.binaries().at(-1)!, b.binaries().at(-1)!];
    expect(stepA).toEqual(stepB);
    const decoded = decodeFrame(stepA);
    expect(decoded.type).toBe("update");
    if (decoded.type !== "update") return;
    expect(decoded.update).toEqual(snapshot);
    // An edit makes the next fresh client get the document as it is now.
    room.engine.message(a, editFrame(docFrom(decoded.update), (d) => d.getText("t").insert(0, ">")));
    const c = await join(room, "c");
    const d = await join(room, "d");
    vi.mocked(Y.encodeStateAsUpdate).mockClear();
    room.engine.message(c, freshStep1());
    room.engine.message(d, freshStep1());
    // Encoded once for both.
    expect(Y.encodeStateAsUpdate).toHaveBeenCalledTimes(1);
    const stepC = decodeFrame(c.binaries().at(-1)!);
    expect(stepC.type === "update" && docFrom(stepC.update).getText("t").toString()).toBe(">stored text");
    expect(d.binaries().at(-1)).toEqual(c.binaries().at(-1));
  });
});

function docWith(content: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, content);
  return doc;
}

function docFrom(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}
