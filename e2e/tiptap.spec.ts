import { expect, test, type Browser, type Page } from "@playwright/test";

/** The document's text as TipTap reads it, without the caret labels drawn inside it. */
const docText = (page: Page) =>
  page.evaluate(() => (window as unknown as { edgeroomDemo: { text(): string } }).edgeroomDemo.text());

async function openPair(browser: Browser, room: string): Promise<[Page, Page]> {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(`/tiptap.html?room=${room}&name=Alice`);
  await bob.goto(`/tiptap.html?room=${room}&name=Bob`);
  for (const page of [alice, bob]) await expect(page.locator("#status")).toHaveText("saved");
  return [alice, bob];
}

test("TipTap: text typed in one page appears in the other with the typist's caret, is saved, and survives a reload", async ({ browser }) => {
  const [alice, bob] = await openPair(browser, `pw-tiptap-${Date.now()}`);

  await alice.locator(".tiptap").click();
  await alice.keyboard.type("Hello from Alice.");
  await expect.poll(() => docText(bob)).toBe("Hello from Alice.");

  // Bob's page draws Alice's caret, labelled with the name from her token (the room stamps it).
  const caret = bob.locator(".collaboration-carets__caret");
  await expect(caret).toHaveCount(1);
  await expect(caret.locator(".collaboration-carets__label")).toHaveText("Alice");
  await expect(bob.locator("#presence")).toContainText("Alice");

  await expect(alice.locator("#status")).toHaveText("saved");
  await alice.reload();
  await expect(alice.locator("#status")).toHaveText("saved");
  await expect.poll(() => docText(alice)).toBe("Hello from Alice.");
});

test("TipTap: undo in one page takes back only that person's typing, and redo brings it back", async ({ browser }) => {
  const [alice, bob] = await openPair(browser, `pw-tiptap-undo-${Date.now()}`);

  await alice.locator(".tiptap").click();
  // One input event, so one undo step however slow the machine (Y.UndoManager merges only the
  // changes made within 500 ms of each other).
  await alice.keyboard.insertText("Alice was here. ");
  await expect.poll(() => docText(bob)).toBe("Alice was here. ");
  await bob.locator(".tiptap").click();
  await bob.keyboard.press("ControlOrMeta+End");
  await bob.keyboard.type("Bob too.");
  await expect.poll(() => docText(alice)).toBe("Alice was here. Bob too.");

  // Bob's sentence is the newest change on Alice's page, yet her undo must skip it.
  await alice.keyboard.press("ControlOrMeta+z");
  for (const page of [alice, bob]) await expect.poll(() => docText(page)).toBe("Bob too.");
  await alice.keyboard.press("ControlOrMeta+Shift+Z");
  for (const page of [alice, bob]) await expect.poll(() => docText(page)).toBe("Alice was here. Bob too.");
});

test("the index page links the TipTap demo", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Rich-text editor" }).click();
  await expect(page).toHaveURL(/tiptap(\.html)?\?room=rich-/);
  await expect(page.locator("#status")).toHaveText("saved");
});
