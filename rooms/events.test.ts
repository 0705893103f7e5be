import { afterEach, describe, expect, it } from "vitest";
import { configureEvents } from "./events.ts";

afterEach(() => configureEvents({}));

const SECRET = "a-webhook-secret-of-at-least-32-bytes!";

describe("configureEvents", () => {
  it("takes hooks and a webhook", () => {
    expect(() => configureEvents({ hooks: { onMatchEnd: () => {}, onRoomDeleted: async () => {} }, webhook: { url: "https://example.com/hook", secret: SECRET } })).not.toThrow();
    expect(() => configureEvents({})).not.toThrow();
  });

  it("names the field and what is allowed", () => {
    expect(() => configureEvents({ webhook: { url: "ftp://example.com", secret: SECRET } })).toThrow("events.webhook.url: must be an http:// or https:// URL");
    expect(() => configureEvents({ webhook: { url: "https://example.com", secret: "short" } })).toThrow("events.webhook.secret: must be at least 32 bytes");
    // A misspelt hook would never be called: refused, not ignored.
    expect(() => configureEvents({ hooks: { onMatchEnded: () => {} } as never })).toThrow(/events\.hooks: .*onMatchEnded/);
    expect(() => configureEvents({ hooks: { onMatchEnd: "notify" } as never })).toThrow("events.hooks.onMatchEnd: must be a function");
  });
});
