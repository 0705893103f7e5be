import { expect, test } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs helper shared with `npm start`, no type declarations.
import { spawnWranglerDev } from "../scripts/wrangler.mjs";
import { eventually, sdkClient } from "./support/service.ts";

const PORT = 8798;
const BASE = `http://127.0.0.1:${PORT}`;

async function startService(persistTo: string): Promise<ChildProcess> {
  const child: ChildProcess = spawnWranglerDev({ port: PORT, persistTo, stdio: "ignore", detached: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${BASE}/v1/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("wrangler dev did not become ready in 60 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGKILL to the whole process group: wrangler and the workerd it started get no chance to flush. */
async function killTree(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid!, "SIGKILL");
  await exited;
  await eventually(() => !isAlive(-child.pid!), 10_000, "the process group to die");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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
