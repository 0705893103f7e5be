// Yjs frames as a y-protocols client sends and reads them, for the document engine's Node tests.
import * as Y from "yjs";
import { decodeFrame, encodeUpdate } from "../../doc/frames.ts";
import type { MemorySocket } from "./memorySocket.ts";

/** An edit on a client's doc, as the update frame a y-protocols client sends. */
export function editFrame(doc: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  let captured: Uint8Array | null = null;
  const keep = (update: Uint8Array) => (captured = update);
  doc.on("update", keep);
  edit(doc);
  doc.off("update", keep);
  if (!captured) throw new Error("the edit produced no update");
  return encodeUpdate(captured);
}

/** The text `t` of the document a socket's received sync and update frames make. */
export function receivedText(socket: MemorySocket): string {
  const doc = new Y.Doc();
  for (const frame of socket.binaries()) {
    const decoded = decodeFrame(frame);
    if (decoded.type === "update") Y.applyUpdate(doc, decoded.update);
  }
  return doc.getText("t").toString();
}
