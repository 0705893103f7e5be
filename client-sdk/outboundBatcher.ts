import * as Y from "yjs";
import { DocLimits } from "../protocol/limits.ts";

/**
 * A document connection's own frame budget: a mirror of the room's token bucket
 * (DocLimits.MESSAGES_PER_SECOND and MESSAGE_BURST, close 4429) at 90% of its rate, the rest left
 * for the frames the batcher does not send (hello, sync replies, answers to the room's probes).
 * A writer at 500 edits/s stays inside it and sends every edit at once, in its own frame.
 */
export const CLIENT_FRAMES_PER_SECOND = Math.floor(DocLimits.MESSAGES_PER_SECOND * 0.9);
/** Frames sent at once before the rate applies: a sixth of the room's burst, so held frames never spend the room's. */
export const CLIENT_FRAME_BURST = Math.floor(DocLimits.MESSAGE_BURST / 6);
/** A viewer's budget, the same mirror of the room's viewer bucket (VIEWER_MESSAGES_PER_SECOND, close 4429). */
export const CLIENT_VIEWER_FRAMES_PER_SECOND = Math.floor(DocLimits.VIEWER_MESSAGES_PER_SECOND * 0.9);
export const CLIENT_VIEWER_FRAME_BURST = Math.floor(DocLimits.VIEWER_MESSAGE_BURST / 6);

export interface BatcherClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BatcherSink {
  sendUpdate(update: Uint8Array): void;
  sendAwareness(clients: number[]): void;
}

/**
 * Sends a document's updates and presence as they happen while the connection has budget. Past
 * it, holds them, merges the updates into one and the presence into each client's latest state,
 * and sends them as budget returns. A fast writer (a paste loop, a script, a replayed trace) then
 * slows to the budget's pace instead of being closed by the room; a person typing never meets it.
 */
export class OutboundBatcher {
  readonly #sink: BatcherSink;
  readonly #clock: BatcherClock;
  #ratePerSecond: number;
  #burst: number;
  #tokens: number;
  #updatedAt: number;
  #updates: Uint8Array[] = [];
  readonly #awareness = new Set<number>();
  #timer: unknown = null;

  constructor(sink: BatcherSink, options: { clock?: BatcherClock; ratePerSecond?: number; burst?: number } = {}) {
    this.#sink = sink;
    this.#clock = options.clock ?? systemClock;
    this.#ratePerSecond = options.ratePerSecond ?? CLIENT_FRAMES_PER_SECOND;
    this.#burst = options.burst ?? CLIENT_FRAME_BURST;
    this.#tokens = this.#burst;
    this.#updatedAt = this.#clock.now();
  }

  /** Sets a new budget (the room said which role, and so which bound, the connection has). */
  limitTo(ratePerSecond: number, burst: number): void {
    this.#refill();
    this.#ratePerSecond = ratePerSecond;
    this.#burst = burst;
    this.#tokens = Math.min(this.#tokens, burst);
  }

  /** Whether updates or presence are held back, waiting for budget. */
  get hasPending(): boolean {
    return this.#updates.length > 0 || this.#awareness.size > 0;
  }

  update(update: Uint8Array): void {
    // Nothing may overtake what is held, or the room would see edits out of order.
    if (!this.hasPending && this.#take()) return this.#sink.sendUpdate(update);
    this.#updates.push(update);
    this.#schedule();
  }

  awareness(clients: number[]): void {
    if (!this.hasPending && this.#take()) return this.#sink.sendAwareness(clients);
    for (const client of clients) this.#awareness.add(client);
    this.#schedule();
  }

  /** Sends everything held now, budget or not (before a deliberate close). */
  flush(): void {
    this.#cancelTimer();
    const updates = this.#updates;
    const clients = [...this.#awareness];
    this.#updates = [];
    this.#awareness.clear();
    if (updates.length > 0) this.#sink.sendUpdate(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
    if (clients.length > 0) this.#sink.sendAwareness(clients);
  }

  /** Drops everything held (the socket is gone; the next sync carries the document's edits). */
  clear(): void {
    this.#cancelTimer();
    this.#updates = [];
    this.#awareness.clear();
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (Math.max(0, now - this.#updatedAt) * this.#ratePerSecond) / 1000);
    this.#updatedAt = now;
  }

  #take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#refill();
    const waitMs = this.#tokens >= 1 ? 0 : ((1 - this.#tokens) * 1000) / this.#ratePerSecond;
    this.#timer = this.#clock.setTimeout(() => this.#drain(), Math.ceil(waitMs));
  }

  #drain(): void {
    this.#timer = null;
    this.#refill();
    // The frames a flush sends are paid for; a debt below zero delays the next one.
    this.#tokens -= (this.#updates.length > 0 ? 1 : 0) + (this.#awareness.size > 0 ? 1 : 0);
    this.flush();
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
