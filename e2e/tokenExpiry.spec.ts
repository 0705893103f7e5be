// README, tokens: a socket whose token expires is closed at `exp` with 4440; the SDK fetches a fresh
// token and reconnects without losing edits, and a player keeps its seat. And no HTTP call the SDK
// or the demo makes carries a token in its URL.
import { expect, test } from "@playwright/test";
import { SignJWT } from "jose";
import { createClient } from "../client-sdk/index.ts";
import { CloseCode } from "../protocol/index.ts";
import type { tictactoe } from "../games/tictactoe.ts";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { eventually } from "./support/service.ts";

/** server/auth.ts's development secret, public on purpose: `wrangler dev` accepts it while DEV_TOKENS is on. */
const DEV_TOKEN_SECRET = "edgeroom-development-tokens-are-not-secret";
/** Each token lives this long, so a test of a few seconds crosses several expiries. */
const TOKEN_LIFETIME_SECONDS = 2;

/** A token that expires TOKEN_LIFETIME_SECONDS from now (the dev-token route only makes hour-long ones). */
function shortToken(claims: { sub: string; room: string; role: string }, lifetimeSeconds = TOKEN_LIFETIME_SECONDS) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(new TextEncoder().encode(DEV_TOKEN_SECRET));
}

/** A WebSocket class that records every close code its sockets saw. */
function recordingWebSocket(closeCodes: number[]): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("close", (event) => closeCodes.push(event.code));
    }
  };
}

function client(claims: { sub: string; room: string; role: string }, closeCodes: number[] = [], lifetimeSeconds?: number) {
  return createClient({
    baseUrl: E2E_BASE_URL,
    getToken: () => shortToken(claims, lifetimeSeconds),
    reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    WebSocket: recordingWebSocket(closeCodes),
  });
}

test("an SDK editor with 2 s tokens keeps editing across expiries, and every edit is saved", async () => {
  const room = `pw-expiry-${Date.now()}`;
  const closeCodes: number[] = [];
  const editor = client({ sub: "ada", room: `doc/${room}`, role: "editor" }, closeCodes).doc(room);
  const reader = client({ sub: "bo", room: `doc/${room}`, role: "viewer" }, [], 600).doc(room);
  const seen: string[] = [];
  editor.on("status", (status) => seen.push(status));
  try {
    await editor.whenStatus("saved");
    const text = editor.doc.getText("t");
    // Type for three token lifetimes and a bit; each edit must reach `saved` before the next.
    const until = Date.now() + (TOKEN_LIFETIME_SECONDS * 3 + 1) * 1000;
    let edits = 0;
    while (Date.now() < until) {
      text.insert(text.length, `${edits++},`);
      await editor.whenStatus("saved");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(closeCodes.filter((code) => code === CloseCode.TOKEN_EXPIRED).length).toBeGreaterThanOrEqual(2);
    expect(seen).not.toContain("offline");
    expect(editor.status).not.toBe("closed");
    const expected = Array.from({ length: edits }, (_, i) => `${i},`).join("");
    await eventually(() => reader.doc.getText("t").toString() === expected, 10_000, "the reader to see every edit");
  } finally {
    editor.destroy();
    reader.destroy();
  }
});

test("an SDK player with 2 s tokens keeps its seat across expiries", async () => {
  const closeCodes: number[] = [];
  const claims = { sub: "sdk-expiry-x", room: "game/tictactoe/*", role: "player" };
  const x = client(claims, closeCodes).game<typeof tictactoe>("tictactoe", `pw-expiry-${Date.now()}`);
  try {
    await x.whenStatus("joined");
    expect(x.seat).toBe(0);
    await eventually(() => closeCodes.filter((code) => code === CloseCode.TOKEN_EXPIRED).length >= 2, 10_000, "two token expiries");
    await x.whenStatus("joined");
    expect(x.seat).toBe(0);
    expect(x.playerId).toBe("sdk-expiry-x");
  } finally {
    x.destroy();
  }
});

test("the demo editor sends no token in an HTTP URL", async ({ page }) => {
  const withToken: string[] = [];
  page.on("request", (request) => {
    if (request.url().startsWith("http") && /[?&]token=/.test(request.url())) withToken.push(request.url());
  });
  await page.goto(`/editor.html?room=pw-token-url-${Date.now()}&name=Ada`);
  await expect(page.locator("#status")).toHaveText("saved");
  const versions = page.waitForResponse((response) => response.url().includes("/versions"));
  await page.locator("#refresh-versions").click();
  expect((await versions).status()).toBe(200);
  expect(withToken).toEqual([]);
});
