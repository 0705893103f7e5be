import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { segmentToName } from "./fsArchive.ts";
import { openSqliteFile } from "./sqliteFile.ts";

/** One loaded object (a room, a matchmaker, a rate limiter), as its namespace holds it. */
export interface LoadedObject {
  /** The object's RPC methods and, for rooms, `fetch`. */
  readonly instance: Record<string, unknown>;
  /** Live sockets: an object with any is never unloaded. */
  socketCount(): number;
  /** Runs the object's alarm. */
  alarm(): Promise<void>;
  /** Called once when the object is unloaded: close sockets' bookkeeping, stop timers. */
  unload(): void;
}

export interface ObjectContext {
  kind: string;
  name: string;
  /** The object's own SQLite file, or null for objects without storage. */
  db: DatabaseSync | null;
  /** Where that file is. */
  path: string | null;
  /** Unloads the object once the current call returns: the next call loads it afresh. */
  drop(): void;
}

export interface NamespaceOptions {
  kind: string;
  /** Where each object's SQLite file lives; null for objects that keep nothing (the rate limiter). */
  folder: string | null;
  /** Objects loaded at once at most; past it the least recently used idle one is unloaded. */
  maxLoaded: number;
  /** An object with no socket and no call for this long is unloaded (its file stays). */
  idleUnloadMs: number;
  /** FULL: each commit is on disk when it returns. NORMAL: the object syncs its log itself (rooms, durability.ts). */
  synchronous: "FULL" | "NORMAL";
  /** Whether calls run one at a time, as a Durable Object's input gate runs them (objects written for DOs). */
  serializeCalls: boolean;
  load(context: ObjectContext): LoadedObject;
}

/** Thrown when every loaded object is in use and none can make room for another. */
export class HostFullError extends Error {
  constructor(kind: string, max: number) {
    super(`all ${max} ${kind} objects are in use; try again later`);
  }
}

interface Slot {
  object: LoadedObject;
  db: DatabaseSync | null;
  lastUsedAt: number;
  callsInFlight: number;
  queue: Promise<unknown>;
  isDropped: boolean;
}

/**
 * A Durable Object namespace in one process: `getByName(name)` (and partyserver's `idFromName` + `get`)
 * returns a stub whose every method call loads the object if it is not loaded, and forwards the call.
 * Objects are unloaded when idle (no socket, no call for idleUnloadMs) and reloaded from their SQLite
 * file on the next call.
 */
export class NodeNamespace {
  readonly #options: NamespaceOptions;
  readonly #loaded = new Map<string, Slot>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: NamespaceOptions) {
    this.#options = options;
    if (options.folder) mkdirSync(options.folder, { recursive: true });
    this.#sweeper = setInterval(() => this.sweep(Date.now()), Math.max(100, options.idleUnloadMs / 2));
    this.#sweeper.unref();
  }

  get kind(): string {
    return this.#options.kind;
  }

  idFromName(name: string) {
    return { name, toString: () => name, equals: (other: { name?: string }) => other.name === name };
  }

  get(id: { name?: string }) {
    return this.getByName(id.name ?? "");
  }

  getByName(name: string): Record<string, (...args: unknown[]) => Promise<unknown>> {
    return new Proxy({}, {
      get: (_target, property) => {
        // A stub is returned from async functions: it must not look like a promise.
        if (typeof property !== "string" || property === "then") return undefined;
        // partyserver's getServerByName names the object; here the name is already known.
        if (property === "setName") return async () => {};
        // A socket or HTTP request to a full host gets a clear 503, as a Worker answers an overloaded object.
        if (property === "fetch") {
          return (...args: unknown[]) =>
            this.call(name, property, args).catch((error: unknown) => {
              if (!(error instanceof HostFullError)) throw error;
              return Response.json({ error: { code: "server_busy", message: error.message } }, { status: 503, headers: { "Retry-After": "5" } });
            });
        }
        return (...args: unknown[]) => this.call(name, property, args);
      },
    });
  }

  /** How many objects are loaded now. */
  get loadedCount(): number {
    return this.#loaded.size;
  }

  isLoaded(name: string): boolean {
    return this.#loaded.has(name);
  }

  /** Runs `method` on the object, loading it first. */
  async call(name: string, method: string, args: unknown[]): Promise<unknown> {
    return this.use(name, (object) => {
      const target = object.instance[method];
      if (typeof target !== "function") throw new TypeError(`${this.#options.kind} has no method ${method}`);
      return (target as (...a: unknown[]) => unknown).apply(object.instance, args);
    });
  }

  /** Runs `work` with the loaded object, counted as a call (the object stays loaded meanwhile). */
  async use<T>(name: string, work: (object: LoadedObject) => T | Promise<T>): Promise<Awaited<T>> {
    const slot = this.#slot(name);
    slot.callsInFlight += 1;
    slot.lastUsedAt = Date.now();
    const run = async () => await work(slot.object);
    const result = this.#options.serializeCalls ? slot.queue.then(run, run) : run();
    if (this.#options.serializeCalls) slot.queue = result.catch(() => {});
    try {
      return await result;
    } finally {
      slot.callsInFlight -= 1;
      slot.lastUsedAt = Date.now();
      if (slot.isDropped && slot.callsInFlight === 0) this.#unload(name, slot);
    }
  }

  /** Unloads every object idle since before `now - idleUnloadMs`. */
  sweep(now: number): void {
    for (const [name, slot] of this.#loaded) {
      if (this.#isIdle(slot) && now - slot.lastUsedAt >= this.#options.idleUnloadMs) this.#unload(name, slot);
    }
  }

  /** Unloads everything (server shutdown). */
  close(): void {
    clearInterval(this.#sweeper);
    for (const [name, slot] of this.#loaded) this.#unload(name, slot);
  }

  #isIdle(slot: Slot): boolean {
    return slot.callsInFlight === 0 && slot.object.socketCount() === 0;
  }

  #slot(name: string): Slot {
    const existing = this.#loaded.get(name);
    if (existing) {
      // Most recently used last, so the first idle entry is the one to unload.
      this.#loaded.delete(name);
      this.#loaded.set(name, existing);
      return existing;
    }
    if (this.#loaded.size >= this.#options.maxLoaded) this.#makeRoom();
    const path = this.#options.folder ? this.#pathOf(name) : null;
    const db = path ? openSqliteFile(path, this.#options.synchronous) : null;
    const slot: Slot = { object: undefined as unknown as LoadedObject, db, lastUsedAt: Date.now(), callsInFlight: 0, queue: Promise.resolve(), isDropped: false };
    const context: ObjectContext = {
      kind: this.#options.kind,
      name,
      db,
      path,
      drop: () => {
        slot.isDropped = true;
        queueMicrotask(() => {
          if (slot.callsInFlight === 0 && this.#loaded.get(name) === slot) this.#unload(name, slot);
        });
      },
    };
    try {
      slot.object = this.#options.load(context);
    } catch (error) {
      db?.close();
      throw error;
    }
    this.#loaded.set(name, slot);
    return slot;
  }

  #makeRoom(): void {
    for (const [name, slot] of this.#loaded) {
      if (this.#isIdle(slot)) return this.#unload(name, slot);
    }
    throw new HostFullError(this.#options.kind, this.#options.maxLoaded);
  }

  #unload(name: string, slot: Slot): void {
    if (this.#loaded.get(name) !== slot) return;
    this.#loaded.delete(name);
    try {
      slot.object.unload();
    } finally {
      slot.db?.close();
    }
  }

  #pathOf(name: string): string {
    return join(this.#options.folder!, `${segmentToName(name)}.sqlite`);
  }
}
