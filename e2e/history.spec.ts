import { expect, test, type Page } from "@playwright/test";
import { docText } from "./support/editorPages.ts";
const playerId = (page: Page) =>
  page.evaluate(() => (window as unknown as { edgeroomDemo: { game: { playerId: string } } }).edgeroomDemo.game.playerId);

test("the editor lists the document's versions and previews one", async ({ browser }) => {
  const room = `pw-history-${Date.now()}`;
  const writerContext = await browser.newContext();
  const writer = await writerContext.newPage();
  await writer.goto(`/editor.html?room=${room}&name=Writer`);
  await writer.locator(".cm-content").click();
  await writer.keyboard.type("The first version of this note.");
  await expect(writer.locator("#status")).toHaveText("saved");
  await writerContext.close(); // the room empties and exports a version

  const reader = await (await browser.newContext()).newPage();
  await reader.goto(`/editor.html?room=${room}&name=Reader`);
  await expect.poll(() => docText(reader)).toBe("The first version of this note.");
  await expect
    .poll(async () => {
      await reader.locator("#refresh-versions").click();
      return reader.locator("#versions button").count();
    }, { timeout: 20_000 })
    .toBe(1);
  await reader.locator("#versions button").first().click();
  await expect(reader.locator("#preview")).toHaveText("The first version of this note.");
});

test("a finished tic-tac-toe match shows on the leaderboard and plays back in the replay viewer", async ({ browser }) => {
  const x = await (await browser.newContext()).newPage();
  const o = await (await browser.newContext()).newPage();
  await x.goto("/tictactoe.html?mode=private");
  await x.waitForURL(/room=/);
  const room = new URL(x.url()).searchParams.get("room")!;
  await o.goto(`/tictactoe.html?room=${room}`);
  await expect(x.locator("#message")).toHaveText("Your turn (X)");
  for (const [page, cell] of [[x, 4], [o, 0], [x, 2], [o, 1], [x, 6]] as const) {
    await expect(page.locator("#message")).toContainText("Your turn");
    await page.locator(`.cell[data-cell="${cell}"]`).click();
  }
  await expect(x.locator("#message")).toHaveText("X wins!");
  const winner = await playerId(x);
  await expect(x.locator(`#leaderboard li[data-player="${winner}"]`)).toContainText(": 1", { timeout: 20_000 });

  const viewer = await (await browser.newContext()).newPage();
  await expect
    .poll(async () => {
      await viewer.goto(`/replay.html?game=tictactoe&room=${room}`);
      return viewer.locator("#matches button").count();
    }, { timeout: 20_000 })
    .toBe(1);
  await viewer.locator("#matches button").click();
  await expect(viewer.locator("#verdict")).toContainText("matches the recorded hash");
  const max = await viewer.locator("#seek").getAttribute("max");
  await viewer.locator("#seek").fill(max!);
  await expect(viewer.locator("#tick")).toHaveText(`tick ${max} / ${max}`);
  await viewer.locator("#seek").fill("0");
  await viewer.locator("#play").click();
  await expect(viewer.locator("#play")).toHaveText("Pause");
  await expect.poll(async () => Number(await viewer.locator("#seek").inputValue())).toBeGreaterThan(0);
  await viewer.locator("#play").click();
  await expect(viewer.locator("#play")).toHaveText("Play");
});
