// A stub with the interface the EVENTS part of issue 14 implements (hooks and signed webhooks delivered
// through each room's outbox); createEdgeroom only hands its config over through configureEvents.

/** One event a room reports: `id` is its idempotency key (the same event delivered twice has the same id). */
export interface EdgeroomEvent {
  id: string;
  type: string;
  /** When it happened, in ms since the epoch. */
  at: number;
  data: unknown;
}

/** User code that runs on room events; delivered at least once, never blocking the room. */
export interface EventHooks {
  /** A game match ended (its result, scores and winners). */
  onMatchEnd?: (event: EdgeroomEvent, env: Env) => Promise<void> | void;
  /** A document room stored a new version in its history. */
  onDocumentVersion?: (event: EdgeroomEvent, env: Env) => Promise<void> | void;
  /** An operator deleted a room through the admin API. */
  onRoomDeleted?: (event: EdgeroomEvent, env: Env) => Promise<void> | void;
}

let configured: { hooks?: EventHooks; webhook?: { url: string; secret: string } } = {};

/** Stores the hooks and the webhook for the rooms of this isolate; createEdgeroom calls it once. */
export function configureEvents(config: { hooks?: EventHooks; webhook?: { url: string; secret: string } }): void {
  configured = config;
}

/** What configureEvents stored. */
export function configuredEvents(): { hooks?: EventHooks; webhook?: { url: string; secret: string } } {
  return configured;
}
