import type { ArchivePort, Clock, Durability, Randomness, Scheduler } from "../ports.ts";

/** A clock that moves only when told. */
export class ManualClock implements Clock {
  constructor(public at = 1_800_000_000_000) {}
  now(): number {
    return this.at;
  }
  elapsedMs(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Ids in order: tests can name them. */
export class CountingRandomness implements Randomness {
  #next = 0;
  uuid(): string {
    this.#next += 1;
    return `00000000-0000-4000-8000-${String(this.#next).padStart(12, "0")}`;
  }
}

/** The alarm as a number a test reads; timers and after-turn work run when the test says. */
export class ManualScheduler implements Scheduler {
  alarmAt: number | null = null;
  readonly #timers = new Set<{ delayMs: number; work: () => void }>();
  #afterTurn: (() => void)[] = [];

  async setAlarm(at: number): Promise<void> {
    this.alarmAt = at;
  }
  async deleteAlarm(): Promise<void> {
    this.alarmAt = null;
  }
  later(delayMs: number, work: () => void): () => void {
    const timer = { delayMs, work };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }
  afterTurn(work: () => void): void {
    this.#afterTurn.push(work);
  }
  get timerCount(): number {
    return this.#timers.size;
  }
  /** Runs every pending timer, as if each one's delay had passed. */
  tickTimers(): void {
    const timers = [...this.#timers];
    this.#timers.clear();
    for (const timer of timers) timer.work();
  }
  /** Ends the current turn: runs the work that waited for it. */
  endTurn(): void {
    const work = this.#afterTurn;
    this.#afterTurn = [];
    for (const run of work) run();
  }
}

/**
 * Durability a test controls: writes are "on disk" only when `land()` is called, so a test sees
 * what left the room before and after. `afterDurable` work waits for the next landing.
 */
export class ManualDurability implements Durability {
  #waiting: (() => void)[] = [];
  #syncs: (() => void)[] = [];
  /** A runtime with an output gate (a Durable Object) when set; see Durability.holdsOutput. */
  holdsOutput = false;
  /** When true, every sync and afterDurable resolves at once (a disk that is always caught up). */
  constructor(public isImmediate = false) {}

  sync(): Promise<void> {
    if (this.isImmediate) return Promise.resolve();
    return new Promise((resolve) => this.#syncs.push(resolve));
  }
  afterDurable(send: () => void): void {
    if (this.isImmediate) return send();
    this.#waiting.push(send);
  }
  get pending(): number {
    return this.#waiting.length + this.#syncs.length;
  }
  /** Everything written so far is now durable: held sends go out, syncs resolve. */
  async land(): Promise<void> {
    const sends = this.#waiting;
    const syncs = this.#syncs;
    this.#waiting = [];
    this.#syncs = [];
    for (const send of sends) send();
    for (const resolve of syncs) resolve();
    // Lets the continuations of the resolved syncs (the next group commit) run.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** An archive in a Map: what R2 holds, for tests. */
export class MemoryArchive implements ArchivePort {
  readonly objects = new Map<string, { bytes: Uint8Array; customMetadata?: Record<string, string> }>();

  async put(key: string, value: Uint8Array | string | ReadableStream, options?: { customMetadata?: Record<string, string> }): Promise<unknown> {
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value.slice() : new Uint8Array(await new Response(value).arrayBuffer());
    this.objects.set(key, { bytes, customMetadata: options?.customMetadata });
    return {};
  }
  async get(key: string) {
    const object = this.objects.get(key);
    if (!object) return null;
    const copy = object.bytes.slice();
    return { body: new Response(copy).body!, arrayBuffer: async () => copy.buffer, customMetadata: object.customMetadata };
  }
  async list({ prefix, limit = 1000 }: { prefix: string; cursor?: string; limit?: number }) {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    const page = keys.slice(0, limit);
    return { objects: page.map((key) => ({ key, size: this.objects.get(key)!.bytes.byteLength })), truncated: keys.length > page.length };
  }
  async delete(keys: string | string[]): Promise<void> {
    for (const key of Array.isArray(keys) ? keys : [keys]) this.objects.delete(key);
  }
}
