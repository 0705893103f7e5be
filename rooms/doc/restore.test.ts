import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { RestoreError, restoreInto } from "./restore.ts";

/** What a room sees: a document rebuilt from bytes, its types not yet named by class. */
const fromBytes = (doc: Y.Doc) => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
};

describe("restoring a version", () => {
  it("brings back text with its formatting, maps and arrays, as one new update", () => {
    const live = new Y.Doc();
    live.getText("body").insert(0, "old text");
    live.getText("body").format(0, 3, { bold: true });
    live.getMap("meta").set("title", "Old");
    live.getArray("tags").insert(0, ["a", "b"]);
    const version = fromBytes(live);

    live.getText("body").insert(8, " and new");
    live.getMap("meta").set("title", "New");
    live.getMap("meta").set("extra", 1);
    live.getArray("tags").delete(0, 1);

    const room = fromBytes(live);
    const peer = fromBytes(live);
    const updates: Uint8Array[] = [];
    room.on("update", (u: Uint8Array) => updates.push(u));
    restoreInto(room, fromBytes(version), "restore");
    expect(updates).toHaveLength(1);
    Y.applyUpdate(peer, updates[0]!);
    for (const doc of [room, peer]) {
      expect(doc.getText("body").toDelta()).toEqual([{ insert: "old", attributes: { bold: true } }, { insert: " text" }]);
      expect(doc.getMap("meta").toJSON()).toEqual({ title: "Old" });
      expect(doc.getArray("tags").toJSON()).toEqual(["a", "b"]);
    }
  });

  it("refuses XML fragments with a clear error and changes nothing", () => {
    const live = new Y.Doc();
    live.getXmlFragment("prosemirror").insert(0, [new Y.XmlElement("p")]);
    const room = fromBytes(live);
    const before = Y.encodeStateVector(room);
    expect(() => restoreInto(room, fromBytes(live), "restore")).toThrow(RestoreError);
    expect(Y.encodeStateVector(room)).toEqual(before);
  });
});
