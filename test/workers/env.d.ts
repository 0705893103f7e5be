// Bindings only the in-workerd tests have (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS?: import("cloudflare:test").D1Migration[];
    FUZZ_SEED?: string;
    FUZZ_CASES?: string;
  }
}
