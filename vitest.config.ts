import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** In-workerd tests against the real Worker, Durable Objects, DO SQLite, R2 and D1. */
function workersProject(name: string, include: string[], exclude: string[], bindings: Record<string, string>, main?: string) {
  return {
    plugins: [
      cloudflareTest(async () => ({
        wrangler: { configPath: "./wrangler.toml" },
        ...(main ? { main } : {}),
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations("persistence/migrations"),
            // At least 32 bytes, as the service requires (server/secretLength.ts).
            ADMIN_TOKEN: "test-admin-token-of-at-least-32-bytes",
            // Development tokens, as in every local run: wrangler.toml never turns them on.
            DEV_TOKENS: "on",
            // test/workers/fuzz.test.ts: replay a seed, or run the long mode.
            FUZZ_SEED: process.env.FUZZ_SEED ?? "",
            FUZZ_CASES: process.env.FUZZ_CASES ?? "",
            ...bindings,
          },
        },
      })),
    ],
    test: { name, include, exclude, setupFiles: ["test/workers/setup.ts"] },
  };
}

export default defineConfig({
  test: {
    // A `.only` left in a test would run a fraction of the suite; CI (and `npm test`, by flag) refuses it.
    allowOnly: !process.env.CI,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    projects: [
      // Inside workerd, with rate limits raised so tests that make many requests or rooms from one
      // address and user are not refused; *.defaults.test.ts run without the raise, at the README's bounds.
      workersProject("workers", ["test/workers/**/*.test.ts"], ["test/workers/**/*.defaults.test.ts"], {
        PUBLIC_RATE_LIMIT_PER_MINUTE: "1000000",
        ROOM_CREATIONS_PER_MINUTE: "1000000",
      }),
      workersProject("workers-defaults", ["test/workers/**/*.defaults.test.ts"], [], {}),
      // A Worker of the user's kind, with every createEdgeroom config field set (test/edgeroomConfig/worker.ts).
      workersProject("workers-config", ["test/edgeroomConfig/**/*.test.ts"], [], {
        PUBLIC_RATE_LIMIT_PER_MINUTE: "1000000",
        ROOM_CREATIONS_PER_MINUTE: "1000000",
        MAX_CONNECTIONS_PER_SUB: "1000",
      }, "test/edgeroomConfig/worker.ts"),
      {
        // Pure modules: engines, protocol, SDK logic. No runtime at all.
        test: {
          name: "node",
          environment: "node",
          // test/node: checks of the tooling itself (wrangler.toml as wrangler reads it), with Node types.
          include: ["{protocol,client-sdk,rooms,persistence,server,games}/**/*.test.ts", "test/node/**/*.test.ts"],
        },
      },
    ],
  },
});
