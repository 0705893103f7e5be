// README, origins: a browser cannot read the HTTP status of a refused WebSocket upgrade, so the SDK
// asks the same URL with a plain GET (token in Authorization). A page on another allowed origin must
// be able to read that answer (CORS on the GET and its preflight), learn the reason, and stop
// retrying on a fatal one. A page on an origin that is NOT allowed cannot read any answer, by design
// of CORS: it sees a generic failure and keeps backing off, and never learns why.
//
// This is the one cross-origin browser test: the page comes from one 127.0.0.1 port and calls another,
// which headless Chromium's Local Network Access checks may block, so (per STACK.md) it launches its
// own Chromium with `--disable-features=LocalNetworkAccessChecks` added to the suite's flags.
import { chromium, expect, test, type Browser } from "@playwright/test";
import { build } from "esbuild";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromiumLaunchOptions, E2E_PORT } from "../playwright.config.ts";
import { devToken } from "./support/service.ts";
import { killTree, startService } from "./support/wranglerProcess.ts";

/** Beside the suite's service and the other private ones (webhooks use +1), so E2E_PORT moves it too. */
const PORT = E2E_PORT + 5;
const BASE_URL = `http://127.0.0.1:${PORT}`;
/** How long a stopped client is watched for further upgrade attempts; its backoff would retry many times in it. */
const QUIET_WATCH_MS = 3_000;

/** The page script: the SDK (and yjs) bundled, with a hook that counts upgrade attempts and statuses. */
const PAGE_ENTRY = `
import { createClient } from ${JSON.stringify(resolve("client-sdk/index.ts"))};
window.startDoc = ({ baseUrl, token, room }) => {
  const state = { attempts: 0, statuses: [], closeReason: null };
  class CountingWebSocket extends WebSocket {
    constructor(url, protocols) { super(url, protocols); state.attempts += 1; }
  }
  const client = createClient({ baseUrl, getToken: () => token, WebSocket: CountingWebSocket, reconnect: { minDelayMs: 100, maxDelayMs: 300 } });
  const doc = client.doc(room);
  doc.on("status", (status) => {
    state.statuses.push(status);
    state.closeReason = doc.closeReason;
  });
  window.refusal = state;
};
`;

async function pageServer(): Promise<{ server: Server; origin: string }> {
  const bundle = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    format: "esm",
    write: false,
    platform: "browser",
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((request, response) => {
    if (request.url === "/page.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(script);
    } else {
      response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><script type="module" src="/page.js"></script>`);
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

type RefusalState = { attempts: number; statuses: string[]; closeReason: { code: number; reason: string; error?: string } | null };

test.describe("refusals seen from another origin", () => {
  let service: ChildProcess | undefined;
  let state = "";
  let browser: Browser | undefined;
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    allowed = await pageServer();
    other = await pageServer();
    state = await mkdtemp(join(tmpdir(), "edgeroom-cors-"));
    service = await startService(PORT, state, { vars: { ALLOWED_ORIGINS: allowed.origin } });
    const args = chromiumLaunchOptions.args.map((arg) =>
      arg.startsWith("--disable-features=") ? `${arg},LocalNetworkAccessChecks` : arg,
    );
    browser = await chromium.launch({ ...chromiumLaunchOptions, args });
  });

  test.afterAll(async () => {
    await browser?.close();
    if (service) await killTree(service);
    allowed?.server.close();
    other?.server.close();
    if (state) await rm(state, { recursive: true, force: true });
  });

  async function openDoc(origin: string, room: string, tokenRoom: string) {
    const page = await browser!.newPage();
    await page.goto(origin);
    await page.waitForFunction(() => "startDoc" in window);
    const token = await devToken(BASE_URL, { sub: "ada", room: tokenRoom, role: "editor" });
    await page.evaluate((args) => (window as unknown as { startDoc(a: unknown): void }).startDoc(args), { baseUrl: BASE_URL, token, room });
    const read = () => page.evaluate(() => (window as unknown as { refusal: RefusalState }).refusal);
    return { page, read };
  }

  test("an allowed origin with a token for another room learns 403 and stops retrying", async () => {
    const room = `cors-${Date.now()}`;
    const { page, read } = await openDoc(allowed.origin, room, `doc/${room}-other`);
    try {
      await expect.poll(async () => (await read()).statuses.at(-1)).toBe("closed");
      const closed = await read();
      expect(closed.closeReason?.code).toBe(403);
      // The service's error code, not just its sentence: an app branches on it.
      expect(closed.closeReason).toMatchObject({ code: 403, error: "room_out_of_scope" });
      await page.waitForTimeout(QUIET_WATCH_MS);
      expect((await read()).attempts).toBe(closed.attempts);
      expect(closed.attempts).toBe(1);
    } finally {
      await page.close();
    }
  });

  test("an origin that is not allowed cannot read why (CORS) and keeps backing off", async () => {
    const room = `cors-other-${Date.now()}`;
    const { page, read } = await openDoc(other.origin, room, `doc/${room}`);
    try {
      // Several refused attempts, none of them explained: the page never reads origin_not_allowed.
      await expect.poll(async () => (await read()).attempts).toBeGreaterThanOrEqual(3);
      const seen = await read();
      expect(seen.statuses).not.toContain("closed");
      expect(seen.statuses).not.toContain("synced");
      expect(seen.closeReason).toBeNull();
    } finally {
      await page.close();
    }
  });
});
