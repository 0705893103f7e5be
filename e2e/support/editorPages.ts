// What the CodeMirror and TipTap editor specs share: opening two people's pages on one room, reading
// a page's text, and the undo scenario both editors must pass.
import { expect, type Browser, type Page } from "@playwright/test";

/** The document's text as the page's editor reads it, without the cursor labels drawn inside it. */
export const docText = (page: Page): Promise<string> =>
  page.evaluate(() => (window as unknown as { edgeroomDemo: { text(): string } }).edgeroomDemo.text());

/** Alice and Bob, each in a browser context of their own, on `path` (e.g. /editor.html) in `room`, both saved. */
export async function openPair(browser: Browser, path: string, room: string): Promise<[Page, Page]> {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(`${path}?room=${room}&name=Alice`);
  await bob.goto(`${path}?room=${room}&name=Bob`);
  for (const page of [alice, bob]) await expect(page.locator("#status")).toHaveText("saved");
  return [alice, bob];
}

/**
 * Alice types, Bob types after her, and Alice's undo takes back her text only, though Bob's is the
 * newest change on her page; both redo keys bring it back (each checked by undoing again first).
 * `content` is the selector of the editor's editable element.
 */
export async function expectUndoSkipsOthers(alice: Page, bob: Page, content: string): Promise<void> {
  await alice.locator(content).click();
  // One input event, so one undo step however slow the machine (Y.UndoManager merges only the
  // changes made within 500 ms of each other).
  await alice.keyboard.insertText("Alice was here. ");
  await expect.poll(() => docText(bob)).toBe("Alice was here. ");
  await bob.locator(content).click();
  await bob.keyboard.press("ControlOrMeta+End");
  await bob.keyboard.type("Bob too.");
  await expect.poll(() => docText(alice)).toBe("Alice was here. Bob too.");

  await alice.keyboard.press("ControlOrMeta+z");
  for (const page of [alice, bob]) await expect.poll(() => docText(page)).toBe("Bob too.");
  // A real keyboard sends key "Z" (capital) while Shift is down, so that is what is pressed.
  await alice.keyboard.press("ControlOrMeta+Shift+Z");
  for (const page of [alice, bob]) await expect.poll(() => docText(page)).toBe("Alice was here. Bob too.");
  await alice.keyboard.press("ControlOrMeta+z");
  await expect.poll(() => docText(bob)).toBe("Bob too.");
  await alice.keyboard.press("ControlOrMeta+y");
  for (const page of [alice, bob]) await expect.poll(() => docText(page)).toBe("Alice was here. Bob too.");
}

/**
 * Ed writes in `room`; a viewer's page (`?role=viewer`) shows his text, and typing into it changes
 * nothing, on the viewer's page or, after a reload, on Ed's. `checkViewer` adds the page's own checks
 * of how it presents a viewer (a badge, a read-only editor).
 */
export async function expectViewerCannotEdit(browser: Browser, path: string, room: string, content: string, checkViewer: (viewer: Page) => Promise<void>): Promise<void> {
  const editor = await (await browser.newContext()).newPage();
  await editor.goto(`${path}?room=${room}&name=Ed`);
  await editor.locator(content).click();
  await editor.keyboard.type("Only editors write here.");
  await expect(editor.locator("#status")).toHaveText("saved");

  const viewer = await (await browser.newContext()).newPage();
  await viewer.goto(`${path}?room=${room}&name=Vi&role=viewer`);
  await expect.poll(() => docText(viewer)).toBe("Only editors write here.");
  await checkViewer(viewer);
  await viewer.locator(content).click();
  await viewer.keyboard.type("XYZ");
  expect(await docText(viewer)).toBe("Only editors write here.");
  await editor.reload();
  await expect(editor.locator("#status")).toHaveText("saved");
  expect(await docText(editor)).toBe("Only editors write here.");
}
