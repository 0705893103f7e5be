// README: with DEV_TOKENS = "on" the service warns about it at start-up. Start-up is the evaluation
// of the Worker's main module, so each test evaluates a fresh copy of server/index.ts (the query
// makes it a module of its own) with the setting under test.
import { env, withEnv } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

/** Starts the Worker's main module with DEV_TOKENS set to `value`. */
async function startWith(value: string): Promise<void> {
  const fresh = `../../server/index.ts?dev-tokens=${value}`;
  await withEnv({ ...env, DEV_TOKENS: value }, () => import(/* @vite-ignore */ fresh));
}

describe("the start-up warning about development tokens", () => {
  it('is printed when DEV_TOKENS is "on"', async () => {
    await startWith("on");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain("development tokens are ON");
  });

  it('is not printed when DEV_TOKENS is "off"', async () => {
    await startWith("off");
    expect(warn).not.toHaveBeenCalled();
  });
});
