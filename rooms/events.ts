import { z } from "zod";
import type { OutboxEntryOf } from "../persistence/index.ts";
import { unknownOutboxKind } from "../persistence/outboxKinds.ts";
import { RoomEventSchema, type RoomEvent, type RoomEventType } from "../protocol/index.ts";
import {
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_MIN_SECRET_BYTES,
  WEBHOOK_SIGNATURE_HEADER,
  signWebhook,
} from "../protocol/webhookSignature.ts";
import { EVENT_OUTBOX_KINDS } from "./engine/roomEvents.ts";
import { logEvent } from "./log.ts";

/**
 * Room events (match ended, document version, room deleted) delivered to the operator's hooks and
 * webhook. A room writes one outbox entry per (event, destination) in the same transaction as the
 * thing the event reports; its alarm delivers them with the outbox's backoff, at least once, each
 * with the event's stable id. Nothing here runs inside a message or tick handler: a slow or failing
 * hook delays only the room's next flush, never its players or editors.
 */

export type { RoomEvent, RoomEventType } from "../protocol/index.ts";

/** A hook: called from the room's alarm with the event and the Worker's env. Throwing (or rejecting) means "try again later". */
export type Handler<T extends RoomEventType = RoomEventType> = (event: Extract<RoomEvent, { type: T }>, env: Env) => Promise<void> | void;

/** In-isolate functions called for each event type; each is optional. */
export type EventHooks = {
  onMatchEnd?: Handler<"match.ended">;
  onDocumentVersion?: Handler<"document.version">;
  onRoomDeleted?: Handler<"room.deleted">;
};

/** Where room events go. A webhook given here takes the place of WEBHOOK_URL / WEBHOOK_SECRET. */
export interface EventsConfig {
  hooks?: EventHooks;
  webhook?: { url: string; secret: string };
}

/** Bounds of one delivery, so a hung hook or receiver cannot hold a room's alarm for long. */
export const EventLimits = {
  /** Longest wait for a webhook receiver's answer, in ms; past it the attempt counts as failed. */
  WEBHOOK_TIMEOUT_MS: 10_000,
  /** Longest wait for a hook's promise, in ms; past it the attempt counts as failed (the hook may still finish). */
  HOOK_TIMEOUT_MS: 10_000,
} as const;

// Declared with the room core, which writes the entries; delivered here.
export { EVENT_OUTBOX_KINDS, MAX_ENTRIES_PER_EVENT } from "./engine/roomEvents.ts";
type Destination = keyof typeof EVENT_OUTBOX_KINDS;

const HOOK_FOR = {
  "match.ended": "onMatchEnd",
  "document.version": "onDocumentVersion",
  "room.deleted": "onRoomDeleted",
} as const satisfies Record<RoomEventType, keyof EventHooks>;

const isFunction = (value: unknown): boolean => typeof value === "function";
const hook = z.custom<(...args: never[]) => unknown>(isFunction, "must be a function").optional();
const secretBytes = (secret: string) => new TextEncoder().encode(secret).byteLength;

/** The same URL and secret rules for configureEvents and for the WEBHOOK_URL / WEBHOOK_SECRET variables. */
const WebhookUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });
const WebhookSecret = z
  .string()
  .refine((s) => secretBytes(s) >= WEBHOOK_MIN_SECRET_BYTES, `must be at least ${WEBHOOK_MIN_SECRET_BYTES} bytes (for example: openssl rand -base64 32)`);

const EventsConfigSchema = z.strictObject({
  hooks: z.strictObject({ onMatchEnd: hook, onDocumentVersion: hook, onRoomDeleted: hook }).optional(),
  webhook: z.strictObject({ url: WebhookUrl, secret: WebhookSecret }).optional(),
});

let configured: EventsConfig = {};

/**
 * Sets where room events go, for every room of this isolate; call it once when the Worker's module
 * loads. Checked at once: a wrong value throws an error naming the field and what is allowed.
 * Without a `webhook` here, WEBHOOK_URL and WEBHOOK_SECRET from the env are used, if set.
 *
 * @example
 * configureEvents({
 *   hooks: { onMatchEnd: async (event, env) => { await env.DB.prepare("...").bind(event.id).run(); } },
 *   webhook: { url: "https://api.example.com/edgeroom", secret: env.WEBHOOK_SECRET },
 * });
 */
export function configureEvents(config: EventsConfig): void {
  const parsed = EventsConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${["events", ...issue.path].join(".")}: ${issue.message}`);
    throw new Error(`invalid events config: ${problems.join("; ")}`);
  }
  configured = { hooks: config.hooks ? { ...config.hooks } : undefined, webhook: config.webhook ? { ...config.webhook } : undefined };
}

/** The webhook in use: configureEvents' one, else the env's, else none. Not checked here: a bad one fails at delivery, visibly, and is retried. */
function webhookOf(env: Env): { url: string; secret: string; source: "config" | "env" } | null {
  if (configured.webhook) return { ...configured.webhook, source: "config" };
  if (env.WEBHOOK_URL) return { url: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET ?? "", source: "env" };
  return null;
}

/** The outbox kinds an event of `type` is written under: one per configured destination (rooms/engine/roomEvents.ts writes them). */
export function eventDestinations(type: RoomEventType, env: Env): (typeof EVENT_OUTBOX_KINDS)[Destination][] {
  const destinations: (typeof EVENT_OUTBOX_KINDS)[Destination][] = [];
  if (configured.hooks?.[HOOK_FOR[type]]) destinations.push(EVENT_OUTBOX_KINDS.hook);
  if (webhookOf(env)) destinations.push(EVENT_OUTBOX_KINDS.webhook);
  return destinations;
}

/** An outbox entry of a room event. */
export type RoomEventEntry = OutboxEntryOf<(typeof EVENT_OUTBOX_KINDS)[Destination]>;

/**
 * Delivers event entries during one outbox flush. After a destination fails once, its other entries
 * in the same flush fail at once without being tried (and back off like it): a receiver that is down
 * or hangs costs one timeout per flush, not one per entry, so the room's alarm stays short.
 */
export class EventDelivery {
  readonly #env: Env;
  readonly #failed = new Map<string, string>();

  constructor(env: Env) {
    this.#env = env;
  }

  async deliver(entry: RoomEventEntry): Promise<void> {
    const parsed = RoomEventSchema.safeParse(parseJson(entry.payload));
    // Written by this module, so this does not happen; if it did, no retry could fix the row.
    if (!parsed.success) return logEvent("event_dropped", { key: entry.key, reason: "unreadable payload" });
    const event = parsed.data;
    const destination = entry.kind === EVENT_OUTBOX_KINDS.hook ? `hook:${HOOK_FOR[event.type]}` : "webhook";
    const earlier = this.#failed.get(destination);
    if (earlier !== undefined) throw new Error(`not tried: ${destination} failed earlier in this flush (${earlier})`);
    try {
      switch (entry.kind) {
        case EVENT_OUTBOX_KINDS.hook:
          await this.#callHook(event);
          break;
        case EVENT_OUTBOX_KINDS.webhook:
          await this.#post(entry.payload, event);
          break;
        default: {
          const never: never = entry;
          throw unknownOutboxKind(never);
        }
      }
    } catch (error) {
      this.#failed.set(destination, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  async #callHook(event: RoomEvent): Promise<void> {
    const name = HOOK_FOR[event.type];
    const handler = configured.hooks?.[name] as Handler | undefined;
    // Removed from the config since the event was written: the operator no longer wants it.
    if (!handler) return logEvent("event_dropped", { id: event.id, type: event.type, reason: `no ${name} hook configured` });
    await withTimeout(Promise.resolve().then(() => handler(event, this.#env)), EventLimits.HOOK_TIMEOUT_MS, `${name} did not settle within ${EventLimits.HOOK_TIMEOUT_MS} ms`);
  }

  /** POSTs the stored body as it is (what the signature covers); a 2xx confirms, anything else is retried. */
  async #post(body: string, event: RoomEvent): Promise<void> {
    const webhook = webhookOf(this.#env);
    if (!webhook) return logEvent("event_dropped", { id: event.id, type: event.type, reason: "no webhook configured" });
    // A bad variable fails every attempt with a message naming it (the outbox's lastError, the admin API),
    // and the events wait for the fix instead of being lost.
    const variable = (field: "url" | "secret") => (webhook.source === "env" ? (field === "url" ? "WEBHOOK_URL" : "WEBHOOK_SECRET") : `webhook.${field}`);
    if (!WebhookUrl.safeParse(webhook.url).success) throw new Error(`${variable("url")} must be an http:// or https:// URL`);
    if (!WebhookSecret.safeParse(webhook.secret).success) throw new Error(`${variable("secret")} must be at least ${WEBHOOK_MIN_SECRET_BYTES} bytes`);
    const signature = await signWebhook(body, webhook.secret, Date.now() / 1000);
    // A timer rather than AbortSignal.timeout, so a test's fake clock can go past the bound.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`webhook did not answer within ${EventLimits.WEBHOOK_TIMEOUT_MS} ms`)), EventLimits.WEBHOOK_TIMEOUT_MS);
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        body,
        headers: {
          "Content-Type": "application/json",
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          [WEBHOOK_EVENT_ID_HEADER]: event.id,
          [WEBHOOK_EVENT_TYPE_HEADER]: event.type,
        },
        // A redirect is not a confirmation, and the signed body goes nowhere but the configured URL.
        redirect: "manual",
        signal: abort.signal,
      });
      // The answer's body is not read: free the connection.
      await response.body?.cancel();
      if (response.status < 200 || response.status > 299) throw new Error(`webhook answered HTTP ${response.status}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
