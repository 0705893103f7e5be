import type { Outbox } from "../../persistence/outbox.ts";
import type { RoomEvent } from "../../protocol/index.ts";
import type { EventOutboxKind, RoomServices } from "./services.ts";

/** Outbox kinds: one entry per destination, so a failing webhook never re-runs a hook that succeeded. */
export const EVENT_OUTBOX_KINDS = { hook: "event_hook", webhook: "event_webhook" } as const satisfies Record<string, EventOutboxKind>;

/** How many outbox entries one event takes at most (a hook and a webhook): what a match's end reserves for it. */
export const MAX_ENTRIES_PER_EVENT = Object.keys(EVENT_OUTBOX_KINDS).length;

/**
 * Writes an event's outbox entries, one per destination the services name; call it inside the
 * transaction of the change it reports. Nothing is written when nothing listens.
 */
export function enqueueRoomEvent(outbox: Outbox, services: RoomServices, event: RoomEvent, { isReserved = false } = {}): void {
  const payload = JSON.stringify(event);
  for (const kind of services.eventDestinations(event.type)) outbox.enqueue(kind, `${kind}:${event.id}`, payload, event.at, { isReserved });
}
