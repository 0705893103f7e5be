import { defineConfig } from "@playwright/test";

/** E2E_PORT moves the suite's service, so two runs on one machine do not share a port or state. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 8799);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** E2E_ADAPTER=node runs the suite against the Node adapter (`edgeroom serve`) instead of wrangler dev. */
export const E2E_ADAPTER: "workerd" | "node" = process.env.E2E_ADAPTER === "node" ? "node" : "workerd";

/** Debian's Chromium, kept off every network but loopback (Playwright cannot download browsers here). */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate",
  ],
};

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // A `.only` left in a spec would run a fraction of the suite; CI (and `npm test`, by flag) refuses it.
  forbidOnly: Boolean(process.env.CI),
  fullyParallel: false,
  workers: 1,
  // Each adapter's run writes its own report, so `npm test` counts both.
  reporter: [["list"], ["json", { outputFile: E2E_ADAPTER === "node" ? "test-results/playwright-node.json" : "test-results/playwright.json" }]],
  use: { baseURL: E2E_BASE_URL, launchOptions: chromiumLaunchOptions, trace: "off" },
  webServer: {
    command: E2E_ADAPTER === "node" ? "node scripts/serve-node-for-tests.mjs" : "node scripts/serve-for-tests.mjs",
    url: `${E2E_BASE_URL}/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: { E2E_PORT: String(E2E_PORT) },
  },
});
