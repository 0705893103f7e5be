// Issue 17, document joins: what a join storm's client costs the room and the edge, counted, not
// timed (bench/stormPhases.mjs times it).
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import * as Y from "yjs";
import { afterEach, expect, it } from "vitest";
import { app } from "../../server/app.ts";
import { docUpgrade } from "../../server/docUpgrade.ts";
import { BASE, countAttachmentReads, devToken, encodeSyncStep1, openDoc } from "./helpers.ts";

let restore = () => {};
afterEach(() => restore());

/** The room's sync step 2 (its answer to a client's step 1). */
const isSyncStep2 = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 1;

it("a document client's sync messages are served without the runtime reading its socket's attachment back", async () => {
  const roomId = `doc-sync-reads-${Date.now()}`;
  const token = await devToken({ sub: "storm", room: `doc/${roomId}`, role: "editor" });
  const sockets = await Promise.all([1, 2, 3].map(() => openDoc(roomId, token)));
  const counter = countAttachmentReads();
  restore = counter.restore;
  for (const socket of sockets) socket.send(encodeSyncStep1(new Y.Doc()));
  await Promise.all(sockets.map((socket) => socket.next(isSyncStep2)));
  // partyserver read each socket's attachment on every message to check it was one of its own.
  expect(counter.reads, "attachment reads for 3 sync step 1 messages").toBe(0);
  for (const socket of sockets) socket.close();
});

/** Counts URL parses of a client's URL (one carrying its token) while installed. */
function countTokenUrlParses() {
  const scope = globalThis as unknown as { URL: typeof URL };
  const Original = scope.URL;
  const counter = { parses: 0, restore: () => void (scope.URL = Original) };
  scope.URL = class extends Original {
    constructor(url: string | URL, base?: string | URL) {
      super(url, base);
      if (String(url).includes("token=")) counter.parses++;
    }
  };
  return counter;
}

it("a document socket's upgrade parses the client's URL once at the edge and never enters the router", async () => {
  const roomId = `doc-upgrade-${Date.now()}`;
  const token = await devToken({ sub: "storm", room: `doc/${roomId}`, role: "editor" });
  (await openDoc(roomId, token)).close(); // the room exists; the upgrade below joins it
  const router = (app as unknown as { router: { match: (...args: unknown[]) => unknown } }).router;
  const match = router.match;
  let routed = 0;
  router.match = function (this: unknown, ...args: unknown[]) {
    routed++;
    return match.apply(this, args);
  };
  const urls = countTokenUrlParses();
  restore = () => {
    urls.restore();
    router.match = match;
  };
  const socket = await openDoc(roomId, token);
  restore();
  // The app parsed it for the token, the loopback rule, the region and the forwarded request.
  expect(urls.parses, "parses of the client's URL").toBe(1);
  expect(routed, "router lookups").toBe(0);
  socket.send(encodeSyncStep1(new Y.Doc()));
  await socket.next(isSyncStep2);
  socket.close();
});

it("a document socket request the direct path does not take is answered by the app, refusals alike", async () => {
  const roomId = `doc-upgrade-refusals-${Date.now()}`;
  const token = await devToken({ sub: "storm", room: `doc/${roomId}`, role: "editor" });
  const other = await devToken({ sub: "storm", room: "doc/elsewhere", role: "editor" });
  const upgrade = { Upgrade: "websocket" };
  const cases: [string, string, Record<string, string>, Env?][] = [
    ["no token", `${BASE}/v1/doc/${roomId}`, upgrade],
    ["a malformed token", `${BASE}/v1/doc/${roomId}?token=not.a.jwt`, upgrade],
    ["another room's token", `${BASE}/v1/doc/${roomId}?token=${other}`, upgrade],
    ["a development token off loopback", `http://rooms.example/v1/doc/${roomId}?token=${token}`, upgrade],
    ["a page of another origin", `${BASE}/v1/doc/${roomId}?token=${token}`, { ...upgrade, Origin: "https://evil.example" }],
    ["an unknown region", `${BASE}/v1/doc/${roomId}?token=${token}&region=mars`, upgrade],
    ["a bad room id", `${BASE}/v1/doc/bad.id?token=${token}`, upgrade],
    ["no upgrade", `${BASE}/v1/doc/${roomId}?token=${token}`, {}],
    ["development tokens off", `${BASE}/v1/doc/${roomId}?token=${token}`, upgrade, { ...env, DEV_TOKENS: "off" }],
  ];
  for (const [name, url, headers, target = env] of cases) {
    const direct = await docUpgrade(new Request(url, { headers }), target, createExecutionContext(), app.fetch);
    const viaApp = await app.fetch(new Request(url, { headers }), target, createExecutionContext());
    expect(direct.status, name).toBe(viaApp.status);
    expect(direct.status, name).toBeGreaterThanOrEqual(400);
    expect(await direct.json(), name).toEqual(await viaApp.json());
  }
});
