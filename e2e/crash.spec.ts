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

test("an edit reported saved survives SIGKILL of the whole wrangler dev tree", async () => {
  test.setTimeout(180_000);
  const state = await mkdtemp(join(tmpdir(), "edgeroom-crash-"));
  let service: ChildProcess | null = await startService(state);
  try {
    const room = `crash-${Date.now()}`;
    const writer = sdkClient(BASE, "writer").doc(room);
    await writer.whenStatus("saved");
    writer.doc.getText("t").insert(0, "written just before the crash");
    await writer.whenStatus("saved");
    await killTree(service);
    service = null;
    writer.destroy();

    service = await startService(state);
    const reader = sdkClient(BASE, "reader").doc(room);
    await reader.whenStatus("saved");
    expect(reader.doc.getText("t").toString()).toBe("written just before the crash");
    reader.destroy();
  } finally {
    if (service) await killTree(service);
    await rm(state, { recursive: true, force: true });
  }
});
