// README, "Document history (R2)": a document room exports a version after 500 updates, not only
// when it empties.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { docVersionKey } from "../../persistence/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { devToken, editFrame, openSdkDoc, type TestSocket } from "./helpers.ts";

const inDoc = <R>(roomId: string, fn: (room: DocRoom) => R | Promise<R>) =>
  runInDurableObject(env.DocRoom.getByName(roomId), (room: DocRoom) => fn(room));

/** An SDK editor that sends one update per character and counts them, for `saved`. */
class Editor {
  readonly doc = new Y.Doc();
  sent = 0;
  constructor(readonly socket: TestSocket) {}

  /** Sends `count` updates, one frame each, and waits until the room told it every one is saved. */
  async type(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.socket.send(editFrame(this.doc, (d) => d.getText("t").insert(0, "x")));
    this.sent += count;
    const saved = JSON.stringify({ type: "saved", seq: this.sent });
    await this.socket.next((f): f is string => f === saved);
  }
}

describe("document history while the room stays busy", () => {
  it("exports a version to R2 at the 500th update, with the editors still connected", async () => {
    const roomId = `every-500-${Date.now()}`;
    // Two connections, so neither passes the 300-frame burst of one connection's rate limit.
    const ada = new Editor(await openSdkDoc(roomId, await devToken({ sub: "ada", room: "doc/*", role: "editor" })));
    const bob = new Editor(await openSdkDoc(roomId, await devToken({ sub: "bob", room: "doc/*", role: "editor" })));

    await ada.type(250);
    await bob.type(249);
    expect(await inDoc(roomId, (r) => r.listVersions().length), "versions after 499 updates").toBe(0);

    await ada.type(1);
    const versions = await inDoc(roomId, (r) => r.listVersions());
    expect(versions.length, "versions after 500 updates").toBe(1);
    expect(versions[0]!.editors).toEqual(["ada", "bob"]);

    // The outbox uploads it; both editors are still connected, so the room never emptied.
    await expect.poll(() => inDoc(roomId, (r) => r.listVersions()[0]!.isUploaded), { timeout: 10_000 }).toBe(true);
    const object = await env.ARCHIVE.get(docVersionKey(roomId, versions[0]!.id));
    const stored = new Y.Doc();
    Y.applyUpdate(stored, new Uint8Array(await object!.arrayBuffer()));
    expect(stored.getText("t").length).toBe(500);
    expect([ada, bob].map((e) => e.socket.ws.readyState)).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
    for (const e of [ada, bob]) e.socket.close();
  }, 30_000); // 500 edits and an outbox flush: ~4 s alone, more on a busy machine
});
