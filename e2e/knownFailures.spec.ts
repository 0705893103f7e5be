import { expect, test } from "@playwright/test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EDITS, Editor, FaultService, Line, compareEdits, faultClient, readRoom, seededRandom, sleep } from "./support/faultHarness.ts";
import { eventually } from "./support/service.ts";

/** The fault suite's own `wrangler dev` (the tests run one at a time); FAULT_PORT moves it. */
const PORT = Number(process.env.FAULT_PORT ?? 8796);

/** Runs `body` against a private `wrangler dev` with a fresh state directory, killed afterwards. */
async function withService(body: (service: FaultService) => Promise<void>): Promise<void> {
  const service = new FaultService(PORT, await mkdtemp(join(tmpdir(), "edgeroom-known-")));
  await service.start();
  try {
    await body(service);
  } finally {
    await service.kill();
    await rm(service.stateDir, { recursive: true, force: true });
  }
}

function editor(service: FaultService, name: string, roomId: string, line = new Line()): Editor {
  return new Editor(name, faultClient(service.baseUrl, name, "doc/*", "editor", line).doc(roomId), seededRandom(name.length));
}

/**
 * Makes up to `count` edits, one per millisecond or so, and returns their tags. With `restEvery`,
 * it rests after that many edits until the provider is `saved` (1 s at most), so some edits are
 * told saved while others keep coming; `isStopped` ends it early.
 */
async function burst(e: Editor, count: number, restEvery = Infinity, isStopped = () => false): Promise<string[]> {
  const tags: string[] = [];
  for (let i = 1; i <= count && !isStopped(); i++) {
    tags.push(e.edit());
    await (i % restEvery === 0 ? Promise.race([e.provider.whenStatus("saved").catch(() => {}), sleep(1_000)]) : sleep(1));
  }
  return tags;
}

const has = (e: Editor, tags: string[]) => () => compareEdits(tags, e.contents()).missing.length === 0;

test("[2] a client that shows synced after a reconnect keeps syncing: edits after it, bursts included, reach the other side in both directions", async () => {
  test.setTimeout(120_000);
  await withService(async (service) => {
    const room = `known-2-${Date.now()}`;
    const a = editor(service, "a", room);
    const b = editor(service, "b", room);
    await eventually(() => a.isInSync && b.isInSync, 20_000, "both to sync");
    const reconnects: [string, () => Promise<void>][] = [
      ["the service restarted", async () => service.kill().then(() => service.start().then(() => {}))],
      ["the service restarted again", async () => service.kill().then(() => service.start().then(() => {}))],
    ];
    for (const [what, reconnect] of reconnects) {
      // A burst past the SDK's frame budget leaves updates held in its batcher when the line drops.
      const droppedAt = Date.now();
      const held = burst(a, 60);
      await sleep(5);
      await reconnect();
      await held;
      await eventually(() => [a, b].every((e) => e.provider.status === "saved" && (e.reconnectedAt ?? 0) > droppedAt), 20_000, `both to show saved after ${what}`);
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const tags = await burst(from, 80);
        await eventually(has(to, tags), 10_000, `${from.name}'s edits after ${what} to reach ${to.name}`);
        await from.provider.whenStatus("saved");
      }
    }
    expect(a.contents()).toEqual(b.contents());
    expect(await readRoom(service.baseUrl, room)).toEqual(a.contents());
    a.provider.destroy();
    b.provider.destroy();
  });
});

test("[4] a room unloaded while a client is reconnecting keeps the client's offline edits and the stored state; neither overwrites the other", async () => {
  test.setTimeout(120_000);
  await withService(async (service) => {
    const room = `known-4-${Date.now()}`;
    const line = new Line();
    const a = editor(service, "a", room, line);
    const b = editor(service, "b", room);
    await eventually(() => a.isInSync && b.isInSync, 20_000, "both to sync");
    const before = await burst(a, 10);
    await a.provider.whenStatus("saved");

    // a loses its network and keeps editing; b writes, is told saved, and leaves the room.
    line.cut();
    await eventually(() => a.provider.status === "offline", 5_000, "a to go offline");
    const offline = await burst(a, 30);
    const stored = await burst(b, 30);
    await b.provider.whenStatus("saved");
    b.provider.destroy();

    // The room is unloaded while a keeps trying to reconnect, then comes back from storage.
    await service.kill();
    await service.start();
    line.restore();
    await eventually(() => a.provider.status === "saved" && (a.reconnectedAt ?? 0) > service.readyAt, 20_000, "a to reconnect by itself and save");

    const found = await readRoom(service.baseUrl, room);
    expect(compareEdits([...before, ...stored, ...offline], found)).toEqual({ missing: [], duplicated: [] });
    await eventually(has(a, stored), 10_000, "a to receive the stored edits it missed");
    expect(a.contents()).toEqual(found);
    a.provider.destroy();
  });
});

test("[5] edits inside the SDK's batching window and the room's group commit right before a SIGKILL: saved ones are stored, unsaved ones are re-sent on reconnect, none lost", async () => {
  test.setTimeout(120_000);
  await withService(async (service) => {
    const room = `known-5-${Date.now()}`;
    const line = new Line();
    const writers = ["w0", "w1", "w2"].map((name) => editor(service, name, room, line));
    await eventually(() => writers.every((w) => w.isInSync), 20_000, "the writers to sync");

    // An edit per millisecond each: the SDK holds frames past its budget and the room commits in groups.
    let isKilled = false;
    const bursts = writers.map((w) => burst(w, 2_000, 25, () => isKilled));
    // Once each writer has been told some edits are saved, kill while more are in flight.
    await eventually(() => writers.every((w) => w.savedCount > 0), 20_000, "each writer to have saved edits");
    await sleep(30);
    await service.kill();
    isKilled = true;
    line.cut(); // keep the writers away until a fresh reader has seen what the room stored
    await Promise.all(bursts);
    const toldSaved = writers.flatMap((w) => w.toldSaved);
    const made = writers.flatMap((w) => w.made);
    console.log(`[5] at the kill: ${made.length} edits made, ${toldSaved.length} told saved`);
    expect(toldSaved.length).toBeGreaterThan(0);
    expect(made.length).toBeGreaterThan(toldSaved.length); // some edits were in flight, or the test proves nothing

    await service.start();
    const stored = await readRoom(service.baseUrl, room);
    expect(compareEdits(toldSaved, stored)).toEqual({ missing: [], duplicated: [] });

    line.restore();
    await eventually(() => writers.every((w) => w.provider.status === "saved" && (w.reconnectedAt ?? 0) > service.readyAt), 20_000, "the writers to re-send and save");
    const found = await readRoom(service.baseUrl, room);
    expect(compareEdits(made, found)).toEqual({ missing: [], duplicated: [] });
    for (const w of writers) {
      expect(w.contents()).toEqual(found);
      expect(w.provider.doc.getArray(EDITS).length).toBe(made.length);
    }

    // The line drops while the writers show saved: an edit made before the socket has finished
    // closing cannot be sent, so the provider must stop saying saved until it is re-sent and stored.
    line.cut();
    const late = writers.map((w) => w.edit());
    expect(writers.map((w) => w.provider.status)).not.toContain("saved");
    line.restore();
    await eventually(() => writers.every((w) => w.provider.status === "saved"), 20_000, "the late edits to be saved");
    expect(compareEdits(late, await readRoom(service.baseUrl, room)).missing).toEqual([]);
    for (const w of writers) w.provider.destroy();
  });
});
