// Issue 15, item 3: @edgeroom/react in Chromium against wrangler dev. The demo's React page renders in
// <StrictMode> (React's development build, which mounts every effect twice): each room must still open one
// socket, matchmake once (a quick match is its one join socket), and close when the last component using it unmounts.
import { expect, test, type Page } from "@playwright/test";
import { E2E_BASE_URL } from "../playwright.config.ts";

const ADMIN_TOKEN = process.env.E2E_ADMIN_TOKEN ?? "e2e-admin-token-of-at-least-32-bytes";

/** Records every WebSocket the page constructs (its URL, and whether it closed), before any page script runs. */
async function countSockets(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const made: { url: string; closed: boolean }[] = [];
    (window as unknown as { socketsMade: typeof made }).socketsMade = made;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        const entry = { url: String(url), closed: false };
        made.push(entry);
        this.addEventListener("close", () => (entry.closed = true));
      }
    };
  });
}

/** Sockets the page made to URLs containing `path`, as { made, open }. */
const sockets = (page: Page, path: string) =>
  page.evaluate((path) => {
    const made = (window as unknown as { socketsMade: { url: string; closed: boolean }[] }).socketsMade.filter((s) => new URL(s.url).pathname.startsWith(path));
    return { made: made.length, open: made.filter((s) => !s.closed).length };
  }, path);

/** The room's live connection count from the admin inspect API. */
async function connectionsIn(roomPath: string): Promise<number> {
  const response = await fetch(`${E2E_BASE_URL}/v1/admin/rooms/${roomPath}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (response.status === 404) return 0;
  if (!response.ok) throw new Error(`inspect ${roomPath}: HTTP ${response.status}`);
  return ((await response.json()) as { connections: number }).connections;
}

test("StrictMode opens one socket per room and matchmakes once; unmounting closes them", async ({ page }) => {
  const room = `pw-react-${Date.now()}`;
  await countSockets(page);
  const matchRequests: string[] = [];
  const docTokens: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname.startsWith("/v1/match/")) matchRequests.push(request.url());
    if (request.method() === "POST" && new URL(request.url()).pathname === "/v1/dev/token" && request.postData()?.includes(`doc/${room}`)) docTokens.push(request.url());
  });
  await page.goto(`/react.html?room=${room}&name=Solo`);
  await expect(page.getByTestId("doc-status")).toHaveText("saved");

  // (a) one socket, and one token asked for, per room: StrictMode's second mount reused the first mount's
  // connection. (A connection made and dropped by the first mount would ask for a token before its socket.)
  expect(await sockets(page, `/v1/doc/${room}`), "document sockets").toEqual({ made: 1, open: 1 });
  expect(docTokens, "document tokens asked for").toHaveLength(1);
  await expect.poll(() => connectionsIn(`doc/${room}`)).toBe(1);
  await expect(page.getByTestId("game-status")).toHaveText("joined");
  const gameRoom = (await page.getByTestId("game-room").textContent())!;
  expect(gameRoom).not.toBe("");
  // A quick match is one socket, to the match's join route, and no POST /v1/match.
  expect(await sockets(page, "/v1/match/tictactoe/join"), "quick-join sockets").toEqual({ made: 1, open: 1 });
  expect(await sockets(page, "/v1/game/tictactoe/"), "room sockets").toEqual({ made: 0, open: 0 });
  expect(matchRequests, "matchmaking requests").toHaveLength(0);
  await expect.poll(() => connectionsIn(`game/tictactoe/${gameRoom}`)).toBe(1);

  // (b) unmounting the rooms' components closes their sockets, and the rooms see them go.
  await page.getByTestId("toggle-room").click();
  await expect(page.getByTestId("doc-status")).toHaveCount(0);
  await expect.poll(() => sockets(page, `/v1/doc/${room}`)).toEqual({ made: 1, open: 0 });
  await expect.poll(() => sockets(page, "/v1/match/tictactoe/join")).toEqual({ made: 1, open: 0 });
  await expect.poll(() => connectionsIn(`doc/${room}`)).toBe(0);
  await expect.poll(() => connectionsIn(`game/tictactoe/${gameRoom}`)).toBe(0);

  // Mounting again opens the document room once more (a new mount, a new socket).
  await page.getByTestId("toggle-room").click();
  await expect(page.getByTestId("doc-status")).toHaveText("saved");
  expect(await sockets(page, `/v1/doc/${room}`)).toEqual({ made: 2, open: 1 });
  await expect.poll(() => connectionsIn(`doc/${room}`)).toBe(1);

  // Leaving again before the page closes: an unmount gives the game seat back at once (the SDK closes with
  // 1000), where a closing page holds it 20 s for a reconnect, which would seat the next test's player opposite it.
  await expect(page.getByTestId("game-status")).toHaveText("joined");
  await page.getByTestId("toggle-room").click();
  await expect.poll(() => sockets(page, "/v1/match/tictactoe/join")).toEqual({ made: 2, open: 0 });
});

test("unmounting a quick match still under way closes its join socket, and it does not retry", async ({ page }) => {
  const room = `pw-react-giveup-${Date.now()}`;
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // The join socket is held here and never reaches the service, so no welcome comes: the join stays under way.
  const joins: { closedByPage: boolean }[] = [];
  await page.routeWebSocket(/\/v1\/match\/tictactoe\/join/, (socket) => {
    const join = { closedByPage: false };
    joins.push(join);
    socket.onClose(() => (join.closedByPage = true));
  });
  await page.goto(`/react.html?room=${room}&name=Solo`);
  await expect.poll(() => joins.length).toBe(1);
  await expect(page.getByTestId("game-status")).toHaveText("connecting");
  await page.getByTestId("toggle-room").click();
  await expect.poll(() => joins[0].closedByPage, { message: "the join socket closed by the page" }).toBe(true);
  // Longer than the SDK's first reconnect delays: a join given up makes no new socket.
  await page.waitForTimeout(2_000);
  expect(joins, "join sockets").toHaveLength(1);
  expect(pageErrors).toEqual([]);
});

test("two pages edit one document, both reach saved and see each other; two pages matchmake into one game", async ({ browser }) => {
  const room = `pw-react-two-${Date.now()}`;
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(`/react.html?room=${room}&name=Alice`);
  await expect(alice.getByTestId("game-status")).toHaveText("joined");
  await bob.goto(`/react.html?room=${room}&name=Bob`);

  // (c) the document and presence
  await alice.getByTestId("doc-text").fill("Hello from Alice.");
  await expect(bob.getByTestId("doc-text")).toHaveValue("Hello from Alice.");
  await bob.getByTestId("doc-text").press("End");
  await bob.getByTestId("doc-text").pressSequentially(" And Bob.");
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("doc-text")).toHaveValue("Hello from Alice. And Bob.");
    await expect(page.getByTestId("doc-status")).toHaveText("saved");
  }
  await expect(alice.getByTestId("peer")).toHaveText(["Bob, typing"]);
  await expect(bob.getByTestId("peer")).toContainText(["Alice"]);

  // (d) one tic-tac-toe room, and a move shows on both boards
  await expect(bob.getByTestId("game-status")).toHaveText("joined");
  const gameRoom = await alice.getByTestId("game-room").textContent();
  await expect(bob.getByTestId("game-room")).toHaveText(gameRoom!);
  await expect(alice.getByTestId("game-message")).toHaveText(/^(Your turn|Their turn) \((you are )?[XO]\)$/);
  const [first, second] = (await alice.getByTestId("game-message").textContent())!.startsWith("Your turn") ? [alice, bob] : [bob, alice];
  await first.getByTestId("cell-4").click();
  for (const page of [first, second]) await expect(page.getByTestId("cell-4")).toHaveText(/^[XO]$/);
  await expect(second.getByTestId("game-message")).toHaveText(/^Your turn/);
  await expect(alice.getByTestId("leaderboard")).toHaveAttribute("data-status", "ready");
});
