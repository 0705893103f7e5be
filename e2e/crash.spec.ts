import { expect, test } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { createClient, type DocProvider } from "../client-sdk/index.ts";
import { YjsMessageType, YjsSyncStep } from "../protocol/yjsMessages.ts";
import { devToken, eventually, sdkClient } from "./support/service.ts";
import { killTree, startService as startOn } from "./support/wranglerProcess.ts";

const PORT = 8798;
const BASE = `http://127.0.0.1:${PORT}`;
const startService = (persistTo: string) => startOn(PORT, persistTo);

/** The Yjs clients whose edits a relayed update frame holds, or null for any other frame. */
function editorsIn(data: unknown): Set<number> | null {
  if (!(data instanceof ArrayBuffer)) return null;
  const decoder = decoding.createDecoder(new Uint8Array(data));
  if (decoding.readVarUint(decoder) !== YjsMessageType.SYNC || decoding.readVarUint(decoder) !== YjsSyncStep.UPDATE) return null;
  return new Set(Y.decodeUpdate(decoding.readVarUint8Array(decoder)).structs.map((struct) => struct.id.client));
}

/** A document client that keeps the editors of every update frame the room relays to it. */
function watcher(room: string) {
  const relayed: Set<number>[] = [];
  class WatchingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        const editors = editorsIn(event.data);
        if (editors) relayed.push(editors);
      });
    }
  }
  const client = createClient({ baseUrl: BASE, getToken: () => devToken(BASE, { sub: "watcher", room: "doc/*", role: "viewer" }), WebSocket: WatchingWebSocket });
  return { provider: client.doc(room), relayed };
}

test("edits reported saved survive SIGKILL of the whole wrangler dev tree, also when the room commits them in groups", async () => {
  test.setTimeout(180_000);
  const state = await mkdtemp(join(tmpdir(), "edgeroom-crash-"));
  let service: ChildProcess | null = await startService(state);
  try {
    const room = `crash-${Date.now()}`;
    const writer = sdkClient(BASE, "writer").doc(room);
    await writer.whenStatus("saved");
    writer.doc.getText("t").insert(0, "written just before the crash");
    await writer.whenStatus("saved");
    // Three writers at once, an edit per millisecond each: updates arrive while a commit is in
    // flight, so the room writes and acknowledges them in groups.
    const writers = ["a", "b", "c"].map((name) => sdkClient(BASE, `writer-${name}`).doc(room));
    const watching = watcher(room);
    await Promise.all([...writers.map((w) => w.whenStatus("saved")), watching.provider.whenStatus("synced")]);
    await Promise.all(
      writers.map(async (w, i) => {
        const list = w.doc.getArray<number>(`list-${i}`);
        for (let n = 0; n < 200; n++) {
          list.push([n]);
          await new Promise((r) => setTimeout(r, 1));
        }
        await w.whenStatus("saved");
      }),
    );
    // The room relays each update as it applies it, before the group commit that writes it, so a
    // relayed frame no longer shows the groups; every writer's edits reach the watcher, and the
    // restart below shows that each one reported saved was on disk.
    const listsAt = (provider: DocProvider) => [0, 1, 2].map((i) => provider.doc.getArray<number>(`list-${i}`).length);
    await eventually(() => listsAt(watching.provider).every((n) => n === 200), 10_000, "the watcher to receive every edit");
    const ids = new Set(writers.map((w) => w.doc.clientID));
    console.log(`${watching.relayed.filter((editors) => [...editors].some((id) => ids.has(id))).length} update frames relayed with the writers' edits`);
    await killTree(service);
    service = null;
    writer.destroy();
    for (const w of writers) w.destroy();
    watching.provider.destroy();

    service = await startService(state);
    const reader = sdkClient(BASE, "reader").doc(room);
    await reader.whenStatus("saved");
    expect(reader.doc.getText("t").toString()).toBe("written just before the crash");
    for (let i = 0; i < 3; i++) expect(reader.doc.getArray<number>(`list-${i}`).toArray()).toEqual([...Array(200).keys()]);
    reader.destroy();
  } finally {
    if (service) await killTree(service);
    await rm(state, { recursive: true, force: true });
  }
});
