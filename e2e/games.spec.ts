import { expect, test, type Page } from "@playwright/test";

type ArenaView = { players: Record<string, { x: number; y: number; score: number }>; gems: Record<string, { x: number; y: number }> };
type Demo = { edgeroomDemo: { game: { playerId: string | null; view: ArenaView | null; send(input: unknown): number } } };

const arenaView = (page: Page) => page.evaluate(() => (window as unknown as Demo).edgeroomDemo.game.view!);
const playerId = (page: Page) => page.evaluate(() => (window as unknown as Demo).edgeroomDemo.game.playerId!);

/** Steers this page's player toward the nearest gem through the SDK, as a bot would. */
async function chaseGem(page: Page): Promise<void> {
  await page.evaluate(() => {
    const { game } = (window as unknown as Demo).edgeroomDemo;
    const me = game.view!.players[game.playerId!]!;
    const gems = Object.values(game.view!.gems);
    const gem = gems.sort((a, b) => Math.hypot(a.x - me.x, a.y - me.y) - Math.hypot(b.x - me.x, b.y - me.y))[0]!;
    const dir = (d: number) => (Math.abs(d) < 8 ? 0 : Math.sign(d));
    game.send({ type: "move", dx: dir(gem.x - me.x), dy: dir(gem.y - me.y) });
  });
}

test("two players quick-join one arena match, see each other move, and scores update", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto("/arena.html");
  await expect(alice.locator("#status")).toHaveText("joined");
  const room = new URL(alice.url()).searchParams.get("room");
  await bob.goto("/arena.html");
  await expect(bob.locator("#status")).toHaveText("joined");
  expect(new URL(bob.url()).searchParams.get("room")).toBe(room);

  const [aliceId, bobId] = [await playerId(alice), await playerId(bob)];
  await expect(alice.locator(`#scoreboard li[data-player="${bobId}"]`)).toBeVisible();

  // Bob moves with the keyboard; Alice sees his position change.
  const before = (await arenaView(alice)).players[bobId]!;
  await bob.locator("#field").click();
  const key = before.x > 400 ? "ArrowLeft" : "ArrowRight";
  await bob.keyboard.down(key);
  await expect.poll(async () => (await arenaView(alice)).players[bobId]!.x).not.toBe(before.x);
  await bob.keyboard.up(key);

  // Alice moves; Bob sees it.
  const aliceBefore = (await arenaView(bob)).players[aliceId]!;
  await alice.locator("#field").click();
  await alice.keyboard.down(aliceBefore.y > 300 ? "ArrowUp" : "ArrowDown");
  await expect.poll(async () => (await arenaView(bob)).players[aliceId]!.y).not.toBe(aliceBefore.y);
  await alice.keyboard.up(aliceBefore.y > 300 ? "ArrowUp" : "ArrowDown");

  // Alice chases gems until she scores; Bob's scoreboard shows it.
  await expect
    .poll(
      async () => {
        await chaseGem(alice);
        return (await arenaView(alice)).players[aliceId]!.score;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBeGreaterThan(0);
  await expect(bob.locator(`#scoreboard li[data-player="${aliceId}"]`)).toContainText(/: [1-9]/);

  // A spectator sees the same match.
  const watcher = await (await browser.newContext()).newPage();
  await watcher.goto(`/arena.html?room=${room}&role=spectator`);
  await expect(watcher.locator("#role")).toHaveText("spectator");
  await expect(watcher.locator(`#scoreboard li[data-player="${aliceId}"]`)).toBeVisible();
});

test("a tic-tac-toe game is played to a win", async ({ browser }) => {
  const x = await (await browser.newContext()).newPage();
  const o = await (await browser.newContext()).newPage();
  await x.goto("/tictactoe.html?mode=private");
  await expect(x.locator("#message")).toContainText("Waiting for an opponent");
  await o.goto(`/tictactoe.html?room=${new URL(x.url()).searchParams.get("room")}`);
  await expect(x.locator("#message")).toHaveText("Your turn (X)");
  await expect(o.locator("#message")).toHaveText("Their turn (you are O)");

  for (const [page, cell] of [[x, 0], [o, 3], [x, 1], [o, 4], [x, 2]] as const) {
    await expect(page.locator("#message")).toContainText("Your turn");
    await page.locator(`.cell[data-cell="${cell}"]`).click();
  }
  for (const page of [x, o]) {
    await expect(page.locator("#message")).toHaveText("X wins!");
    await expect(page.locator("#scoreboard")).toContainText("1 win(s)");
  }
  await expect(o.locator('.cell[data-cell="3"]')).toHaveText("O");
});
