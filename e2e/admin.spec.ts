import { expect, test } from "@playwright/test";

const ADMIN_TOKEN = process.env.E2E_ADMIN_TOKEN ?? "e2e-admin-token-of-at-least-32-bytes";

test("an operator finds a room in the admin page and kicks a user, whose page reports it", async ({ browser }) => {
  const room = `pw-admin-${Date.now()}`;
  const target = await (await browser.newContext()).newPage();
  await target.goto(`/editor.html?room=${room}&name=Target`);
  await expect(target.locator("#status")).toHaveText("saved");
  const userId = await target.evaluate(() => sessionStorage.getItem("edgeroom-user"));

  const admin = await (await browser.newContext()).newPage();
  await admin.goto("/admin.html");
  await admin.locator("#token").fill("wrong-token");
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.locator("#error")).toContainText("ADMIN_TOKEN");
  await admin.locator("#token").fill(ADMIN_TOKEN);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.locator("#status")).toHaveText("signed in");

  // The room reaches the directory within a few seconds of its first connection.
  const row = admin.locator(`#rooms tr[data-room="doc/${room}"]`);
  await expect(async () => {
    await admin.locator("#refresh").click();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await row.click();
  await expect(admin.locator("#room-title")).toHaveText(`doc/${room}`);
  const connection = admin.locator(`#connections tr[data-user="${userId}"]`);
  await expect(connection).toBeVisible();
  await connection.getByRole("button", { name: "Kick" }).click();

  await expect(target.locator("#error")).toHaveText("Disconnected for good (4403): kicked: removed by an operator");
  await expect(target.locator("#status")).toHaveText("closed");
  await expect(admin.locator(`#connections tr[data-user="${userId}"]`)).toHaveCount(0);
});
