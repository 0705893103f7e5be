import { expect, test } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sdkClient } from "./support/service.ts";
import { killTree, startService as startOn } from "./support/wranglerProcess.ts";

const PORT = 8798;
const BASE = `http://127.0.0.1:${PORT}`;
const startService = (persistTo: string) => startOn(PORT, persistTo);

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
    // flight, so the room writes, relays and acknowledges them in groups.
    const writers = ["a", "b", "c"].map((name) => sdkClient(BASE, `writer-${name}`).doc(room));
    await Promise.all(writers.map((w) => w.whenStatus("saved")));
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
    await killTree(service);
    service = null;
    writer.destroy();
    for (const w of writers) w.destroy();

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
