import { expect, test } from "@playwright/test";
import { docText, expectUndoSkipsOthers, expectViewerCannotEdit, openPair } from "./support/editorPages.ts";

test("TipTap: text typed in one page appears in the other with the typist's caret, is saved, and survives a reload", async ({ browser }) => {
  const [alice, bob] = await openPair(browser, "/tiptap.html", `pw-tiptap-${Date.now()}`);

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
  const [alice, bob] = await openPair(browser, "/tiptap.html", `pw-tiptap-undo-${Date.now()}`);
  await expectUndoSkipsOthers(alice, bob, ".tiptap");
});

test("the index page links the TipTap demo", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Rich-text editor" }).click();
  await expect(page).toHaveURL(/tiptap(\.html)?\?room=rich-/);
  await expect(page.locator("#status")).toHaveText("saved");
});

test("TipTap: a viewer's page shows the document and offers no way to change it", async ({ browser }) => {
  await expectViewerCannotEdit(browser, "/tiptap.html", `pw-tiptap-view-${Date.now()}`, ".tiptap", async (viewer) => {
    await expect(viewer.locator(".tiptap")).toHaveAttribute("contenteditable", "false");
  });
});
