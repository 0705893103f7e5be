// README, "Bounds of a collaboration room": the name a page shows for a person is the one in their
// token, and presence colours reach the page only as #rrggbb. A hostile peer here is a stock
// y-websocket client that claims another person's name and sends a colour that would inject CSS
// into the style attribute y-codemirror.next draws a remote caret with.
import { expect, test } from "@playwright/test";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { devToken, eventually } from "./support/service.ts";

const HOSTILE_COLOR = "red;background:url(http://127.0.0.1:9/leak)";
const HEX_STYLE = /^background-color: #[0-9a-fA-F]{6}; border-color: #[0-9a-fA-F]{6};?$/;

test("a peer's spoofed name and CSS in its colour never reach the page: it shows the token's name and a #rrggbb colour", async ({ page }) => {
  const room = `pw-presence-${Date.now()}`;
  await page.goto(`/editor.html?room=${room}&name=Alice`);
  await expect(page.locator("#status")).toHaveText("saved");

  const token = await devToken(E2E_BASE_URL, { sub: "eve-1", name: "Eve", room: `doc/${room}`, role: "editor" });
  const doc = new Y.Doc();
  const eve = new WebsocketProvider(`ws://127.0.0.1:${new URL(E2E_BASE_URL).port}/v1/doc`, room, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket,
    disableBc: true,
  });
  try {
    await eventually(() => eve.synced, 10_000, "the hostile peer's sync");
    // As y-codemirror.next writes a cursor: the RelativePosition itself, which awareness sends as JSON.
    const at = Y.createRelativePositionFromTypeIndex(doc.getText("codemirror"), 0);
    eve.awareness.setLocalState({
      user: { name: "Alice (admin)", id: "alice", color: HOSTILE_COLOR, colorLight: HOSTILE_COLOR },
      cursor: { anchor: at, head: at },
    });

    const caret = page.locator(".cm-ySelectionCaret");
    await expect(caret).toHaveCount(1);
    expect(await caret.getAttribute("style")).toMatch(HEX_STYLE);
    await expect(page.locator(".cm-ySelectionInfo")).toHaveText("Eve");

    const presence = page.locator("#presence");
    await expect(presence).toContainText("Eve");
    await expect(presence).toContainText("Alice (you)");
    await expect(presence).not.toContainText("Alice (admin)");
    for (const style of await page.locator("#presence .swatch").evaluateAll((els) => els.map((e) => e.getAttribute("style") ?? ""))) {
      expect(style).toMatch(/^background: (#[0-9a-fA-F]{6}|rgb\(\d+, \d+, \d+\));?$/);
    }
    const leaks = await page.evaluate(() => [...document.querySelectorAll("[style]")].map((e) => e.getAttribute("style")).filter((s) => s?.includes("url(")));
    expect(leaks, "no style on the page carries the peer's url()").toEqual([]);
  } finally {
    eve.destroy();
  }
});
