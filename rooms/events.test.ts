import { afterEach, describe, expect, it, vi } from "vitest";
import type { RoomEvent } from "../protocol/index.ts";
import { verifyWebhook } from "../protocol/webhookSignature.ts";
import { EVENT_OUTBOX_KINDS, EventDelivery, EventLimits, configureEvents, type RoomEventEntry } from "./events.ts";

afterEach(() => {
  configureEvents({});
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const SECRET = "a-webhook-secret-of-at-least-32-bytes!";
const env = (vars: Record<string, string> = {}) => vars as unknown as Env;

function entry(kind: RoomEventEntry["kind"], id = "room.deleted:1"): RoomEventEntry {
  const event: RoomEvent = {
    id,
    type: "room.deleted",
    at: 1_800_000_000_000,
    room: "doc/a",
    data: { kind: "doc", game: null, roomId: "a", removed: { r2Objects: 0, r2Bytes: 0, directoryRows: 1, sqliteRows: 3 } },
  };
  return { id: 1, kind, key: `${kind}:${id}`, payload: JSON.stringify(event), attempts: 0 };
}

/**
 * A receiver in place of fetch (the real one, over HTTP from wrangler dev, is e2e/webhooks.spec.ts).
 * `status` null: it never answers, until the request's signal aborts.
 */
function receiver(status: number | null) {
  const requests: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal("fetch", (url: string, init: RequestInit) => {
    requests.push({ url, init });
    if (status !== null) return Promise.resolve(new Response(null, { status, headers: { Location: "http://127.0.0.1:1/elsewhere" } }));
    return new Promise((_, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason)));
  });
  return { url: "https://receiver.example/hook", requests, close: async () => vi.unstubAllGlobals() };
}

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

describe("hook delivery", () => {
  it(`counts a hook that has not settled after ${EventLimits.HOOK_TIMEOUT_MS} ms as failed, and tries no more of that hook in the same flush`, async () => {
    vi.useFakeTimers();
    let calls = 0;
    configureEvents({ hooks: { onRoomDeleted: () => { calls += 1; return new Promise<void>(() => {}); } } });
    const flush = new EventDelivery(env());
    const first = flush.deliver(entry(EVENT_OUTBOX_KINDS.hook));
    const settled = expect(first).rejects.toThrow(`onRoomDeleted did not settle within ${EventLimits.HOOK_TIMEOUT_MS} ms`);
    await vi.advanceTimersByTimeAsync(EventLimits.HOOK_TIMEOUT_MS);
    await settled;
    await expect(flush.deliver(entry(EVENT_OUTBOX_KINDS.hook, "room.deleted:2"))).rejects.toThrow("not tried: hook:onRoomDeleted failed earlier in this flush");
    expect(calls).toBe(1);
  });
});

describe("webhook delivery", () => {
  it("POSTs the stored body with its signature, id and type; a 2xx confirms", async () => {
    const target = await receiver(204);
    try {
      configureEvents({ webhook: { url: target.url, secret: SECRET } });
      const sent = entry(EVENT_OUTBOX_KINDS.webhook);
      await new EventDelivery(env()).deliver(sent);
      const [request] = target.requests;
      expect(request!.url).toBe(target.url);
      expect(request!.init).toMatchObject({ method: "POST", body: sent.payload, redirect: "manual" });
      const headers = request!.init.headers as Record<string, string>;
      expect(headers).toMatchObject({ "Edgeroom-Event-Id": "room.deleted:1", "Edgeroom-Event-Type": "room.deleted", "Content-Type": "application/json" });
      expect((await verifyWebhook(sent.payload, headers["Edgeroom-Signature"], SECRET)).ok).toBe(true);
    } finally {
      await target.close();
    }
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const target = await receiver(302);
    try {
      await expect(new EventDelivery(env({ WEBHOOK_URL: target.url, WEBHOOK_SECRET: SECRET })).deliver(entry(EVENT_OUTBOX_KINDS.webhook))).rejects.toThrow("webhook answered HTTP 302");
      expect(target.requests).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it(`gives up on a receiver that has not answered within ${EventLimits.WEBHOOK_TIMEOUT_MS} ms, and tries it no more in the same flush`, async () => {
    const target = await receiver(null);
    try {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const flush = new EventDelivery(env({ WEBHOOK_URL: target.url, WEBHOOK_SECRET: SECRET }));
      const first = flush.deliver(entry(EVENT_OUTBOX_KINDS.webhook));
      const settled = expect(first).rejects.toThrow(`webhook did not answer within ${EventLimits.WEBHOOK_TIMEOUT_MS} ms`);
      await vi.waitFor(() => expect(target.requests).toHaveLength(1));
      await vi.advanceTimersByTimeAsync(EventLimits.WEBHOOK_TIMEOUT_MS);
      await settled;
      await expect(flush.deliver(entry(EVENT_OUTBOX_KINDS.webhook, "room.deleted:2"))).rejects.toThrow("not tried: webhook failed earlier in this flush");
      expect(target.requests).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it("fails, naming the variable, with a WEBHOOK_SECRET under 32 bytes or a WEBHOOK_URL that is not http(s): the event waits for the fix", async () => {
    await expect(new EventDelivery(env({ WEBHOOK_URL: "https://example.com/hook", WEBHOOK_SECRET: "short" })).deliver(entry(EVENT_OUTBOX_KINDS.webhook))).rejects.toThrow(
      "WEBHOOK_SECRET must be at least 32 bytes",
    );
    await expect(new EventDelivery(env({ WEBHOOK_URL: "https://example.com/hook" })).deliver(entry(EVENT_OUTBOX_KINDS.webhook))).rejects.toThrow("WEBHOOK_SECRET must be at least 32 bytes");
    await expect(new EventDelivery(env({ WEBHOOK_URL: "file:///etc/passwd", WEBHOOK_SECRET: SECRET })).deliver(entry(EVENT_OUTBOX_KINDS.webhook))).rejects.toThrow(
      "WEBHOOK_URL must be an http:// or https:// URL",
    );
  });
});
