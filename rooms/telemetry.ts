import type { RoomCounterStore } from "../persistence/roomCounters.ts";
import type { RoomStats } from "../protocol/index.ts";

interface ConnectionStats {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * What a room counts for operators: per connection (in memory, for inspection) and for the
 * whole room (cumulative in its RoomCounterStore, the room's SQLite, folded in at each directory
 * report; counts since the last report are lost if the process dies, a few seconds of traffic at most).
 */
export class RoomTelemetry {
  readonly #counters: RoomCounterStore;
  readonly #connections = new Map<string, ConnectionStats>();
  #delta = new Map<string, number>();

  constructor(counters: RoomCounterStore) {
    this.#counters = counters;
  }

  received(connectionId: string, bytes: number): void {
    const stats = this.#stats(connectionId);
    stats.messagesIn += 1;
    stats.bytesIn += bytes;
    this.#add("messages_in", 1);
    this.#add("bytes_in", bytes);
  }

  sent(connectionId: string, bytes: number): void {
    this.sentTo(connectionId, bytes);
    this.sentToRoom(1, bytes);
  }

  /** A frame sent, for the connection's own counts only: a fan-out adds the room's once, with sentToRoom. */
  sentTo(connectionId: string, bytes: number): void {
    const stats = this.#stats(connectionId);
    stats.messagesOut += 1;
    stats.bytesOut += bytes;
  }

  /** `messages` frames of `bytes` in all, for the room's counts. */
  sentToRoom(messages: number, bytes: number): void {
    if (messages === 0) return;
    this.#add("messages_out", messages);
    this.#add("bytes_out", bytes);
  }

  /** A refused input or frame, by reason (rate_limited, invalid_input, read_only...). */
  refused(reason: string): void {
    this.#add(`refused:${reason}`, 1);
  }

  tickOverrun(): void {
    this.#add("tick_overruns", 1);
  }

  connection(connectionId: string): ConnectionStats {
    return { ...this.#stats(connectionId) };
  }

  forget(connectionId: string): void {
    this.#connections.delete(connectionId);
  }

  /** Cumulative totals; folds the in-memory counts into the store first. */
  totals(outbox: { backlog: number; failures: number }): RoomStats {
    this.#counters.add(this.#delta);
    this.#delta = new Map();
    const counters = this.#counters.all();
    const refused: Record<string, number> = {};
    for (const [name, value] of counters) if (name.startsWith("refused:")) refused[name.slice("refused:".length)] = value;
    return {
      messagesIn: counters.get("messages_in") ?? 0,
      messagesOut: counters.get("messages_out") ?? 0,
      bytesIn: counters.get("bytes_in") ?? 0,
      bytesOut: counters.get("bytes_out") ?? 0,
      refused,
      tickOverruns: counters.get("tick_overruns") ?? 0,
      outboxBacklog: outbox.backlog,
      flushFailures: outbox.failures,
    };
  }

  #stats(connectionId: string): ConnectionStats {
    let stats = this.#connections.get(connectionId);
    if (!stats) this.#connections.set(connectionId, (stats = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 }));
    return stats;
  }

  #add(name: string, value: number): void {
    this.#delta.set(name, (this.#delta.get(name) ?? 0) + value);
  }
}
