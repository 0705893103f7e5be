import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    projects: [
      {
        // Inside workerd, against the real Worker, Durable Objects, DO SQLite, R2 and D1.
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: { name: "workers", include: ["test/workers/**/*.test.ts"] },
      },
      {
        // Pure modules: engines, protocol, SDK logic. No runtime at all.
        test: {
          name: "node",
          environment: "node",
          include: ["{protocol,client-sdk,rooms,persistence,server}/**/*.test.ts"],
        },
      },
    ],
  },
});
