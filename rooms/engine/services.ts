/**
 * What a room needs from the deployment around it, beyond its own ports: where directory reports
 * and room events go, the room-creation quota, and the bounds the operator configured. In Cloudflare
 * these come from `env` (rooms/cloudflare/services.ts: D1, the RateLimiter Durable Object, the
 * webhook variables); the Node adapter and the engine tests give their own. The engines import
 * this interface, never `env`.
 */
import type { OutboxEntryOf } from "../../persistence/outboxKinds.ts";
import type { DirectoryReport, RoomEventType } from "../../protocol/index.ts";

/** Outbox entries of room events: one per destination (a hook, a webhook). */
export type EventOutboxKind = "event_hook" | "event_webhook";
export type RoomEventEntry = OutboxEntryOf<EventOutboxKind>;

/** A room-creation token, taken or refused. */
export interface CreationVerdict {
  isAllowed: boolean;
  perMinute: number;
  retryAfterSeconds: number;
}

export interface RoomServices {
  /** Applies one directory report (a D1 upsert in Cloudflare); throws to be retried. */
  deliverDirectoryReport(report: DirectoryReport): Promise<void>;
  /** Removes a deleted room's directory row; returns how many rows went. */
  removeFromDirectory(room: string, at: number): Promise<number>;
  /** Where events of `type` go now: one outbox kind per configured destination, none when nothing listens. */
  eventDestinations(type: RoomEventType): EventOutboxKind[];
  /**
   * Starts one outbox flush's event delivery. One per flush, so a destination that failed once
   * fails its other entries of the same flush without another attempt (rooms/events.ts).
   */
  eventDelivery(): { deliver(entry: RoomEventEntry): Promise<void> };
  /** Takes a token from the user's room-creation bucket (ROOM_CREATIONS_PER_MINUTE). */
  takeRoomCreationToken(sub: string): Promise<CreationVerdict>;
  /** Live connections one `sub` may hold in one room (createEdgeroom limits, else MAX_CONNECTIONS_PER_SUB). */
  maxConnectionsPerSub(roomName: string): number;
}
