import { expect, test } from "@playwright/test";
import { docText, expectUndoSkipsOthers, expectViewerCannotEdit, openPair } from "./support/editorPages.ts";

test("two browsers type into one document, converge, and a reload keeps the text", async ({ browser }) => {
  const [alice, bob] = await openPair(browser, "/editor.html", `pw-${Date.now()}`);

  await alice.locator(".cm-content").click();
  await alice.keyboard.type("Hello from Alice. ");
  // Bob appends after Alice's sentence, so he waits until all of it has reached his page.
  await expect.poll(() => docText(bob)).toBe("Hello from Alice. ");
  await bob.locator(".cm-content").click();
  await bob.keyboard.press("ControlOrMeta+End");
  await bob.keyboard.type("And Bob.");

  for (const page of [alice, bob]) {
    await expect.poll(() => docText(page)).toContain("Hello from Alice.");
    await expect.poll(() => docText(page)).toContain("And Bob.");
  }
  const aliceText = await docText(alice);
  expect(await docText(bob)).toBe(aliceText);

  // Presence: each sees both names, and the other's cursor.
  await expect(alice.locator("#presence")).toContainText("Bob");
  await expect(bob.locator("#presence")).toContainText("Bob (you)");
  await expect(bob.locator("#presence")).toContainText("Alice");
  await expect(alice.locator(".cm-ySelectionInfo")).toHaveCount(1);

  await expect(alice.locator("#status")).toHaveText("saved");
  await expect(bob.locator("#status")).toHaveText("saved");
  await alice.reload();
  await expect(alice.locator("#status")).toHaveText("saved");
  await expect.poll(() => docText(alice)).toBe(aliceText);
});

test("the index page links the demos", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Collaborative editor" }).click();
  await expect(page).toHaveURL(/editor(\.html)?\?room=notes-/);
  await expect(page.locator("#status")).toHaveText("saved");
});

test("a viewer's page shows the document and refuses to change it", async ({ browser }) => {
  await expectViewerCannotEdit(browser, "/editor.html", `pw-view-${Date.now()}`, ".cm-content", async (viewer) => {
    await expect(viewer.locator("#role")).toHaveText("viewer (read-only)");
  });
});

test("undo in one browser takes back only that person's typing, and redo brings it back", async ({ browser }) => {
  const [alice, bob] = await openPair(browser, "/editor.html", `pw-undo-${Date.now()}`);
  await expectUndoSkipsOthers(alice, bob, ".cm-content");
});
