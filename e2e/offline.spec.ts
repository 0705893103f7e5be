import { expect, test, type Page, type WebSocketRoute } from "@playwright/test";

/** The document's text, without the cursor labels CodeMirror draws inside it; null until the page is up
 * (with `?offline=1` the page waits for IndexedDB before it makes the editor). */
const docText = (page: Page) =>
  page.evaluate(() => (window as unknown as { edgeroomDemo?: { text(): string } }).edgeroomDemo?.text() ?? null);

/**
 * Resolves once every IndexedDB write the page has started on `name` has committed: a read
 * transaction on the same store is scheduled after every write transaction created before it.
 */
const idbWritesSettled = (page: Page, name: string) =>
  page.evaluate(
    (dbName) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        // No such database: the page keeps no copy (aborting the upgrade leaves none behind).
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => reject(new Error(`the page keeps no IndexedDB copy named ${dbName}`));
        open.onsuccess = () => {
          const count = open.result.transaction("updates", "readonly").objectStore("updates").count();
          count.onsuccess = () => {
            open.result.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error);
        };
      }),
    name,
  );

// "Offline" here is the room service gone, the page's own files still at hand (as a service worker
// or the HTTP cache would serve them). Playwright's context.setOffline(true) does not do it in this
// Chromium: it leaves an open WebSocket up (the page stayed "saved" for 8 s after it), and it fails
// a reload of the page itself (net::ERR_INTERNET_DISCONNECTED). So the test routes the room's
// sockets through Playwright, closes them to go offline and refuses new ones (and every /v1/ HTTP
// call, the dev token included) until it goes back online.
test("offline recipe: edit offline, reload offline, reconnect, reach saved, and another browser sees the edit", async ({ browser }) => {
  const room = `pw-offline-${Date.now()}`;
  const context = await browser.newContext();
  let isOffline = false;
  const live: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  await context.routeWebSocket(/\/v1\/doc\//, (ws) => {
    if (isOffline) return void ws.close({ code: 1001, reason: "offline (test)" });
    live.push({ page: ws, server: ws.connectToServer() });
  });
  await context.route(/\/v1\//, (route) => (isOffline ? route.abort("internetdisconnected") : route.continue()));

  const page = await context.newPage();
  await page.goto(`/editor.html?room=${room}&name=Olive&offline=1`);
  await expect(page.locator("#status")).toHaveText("saved");
  await page.locator(".cm-content").click();
  await page.keyboard.insertText("Written online. ");
  await expect(page.locator("#status")).toHaveText("saved");

  isOffline = true;
  for (const { page: toPage, server } of live.splice(0)) {
    await server.close({ code: 1001, reason: "offline (test)" });
    await toPage.close({ code: 1001, reason: "offline (test)" });
  }
  await expect(page.locator("#status")).toHaveText("offline");
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText("Written offline.");
  await idbWritesSettled(page, `edgeroom-doc-${room}`);

  // The reload finds no room: the text can only come from this browser's IndexedDB.
  await page.reload();
  await expect.poll(() => docText(page)).toBe("Written online. Written offline.");
  await expect(page.locator("#status")).not.toHaveText(/saved|synced/);

  isOffline = false;
  // The next reconnect attempt comes after the SDK's backoff (at most its 10 s ceiling).
  await expect(page.locator("#status")).toHaveText("saved", { timeout: 30_000 });

  const other = await (await browser.newContext()).newPage();
  await other.goto(`/editor.html?room=${room}&name=Fresh`);
  await expect(other.locator("#status")).toHaveText("saved");
  await expect.poll(() => docText(other)).toBe("Written online. Written offline.");
});
