import type { ChildProcess } from "node:child_process";
import { createClient, type DocProvider, type EdgeroomClient } from "../../client-sdk/index.ts";
import { nextRandom } from "../../protocol/match.ts";
import { devToken, eventually } from "./service.ts";
import { killTree, startService } from "./wranglerProcess.ts";

/** The product's own seeded source (mulberry32), so a run's kill moments and edit cadence replay from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    const next = nextRandom(state);
    state = next.rngState;
    return next.value;
  };
}

/** FAULT_SEED when given, else one derived from the clock; the caller prints it. */
export function seedFromEnv(): number {
  const given = process.env.FAULT_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`FAULT_SEED must be a non-negative integer, not "${given}"`);
    return seed;
  }
  return Date.now() % 2 ** 31;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A private `wrangler dev` whose state directory outlives every SIGKILL of its process tree. */
export class FaultService {
  #child: ChildProcess | null = null;
  /** When the service last answered its health check after a start, epoch ms. */
  readyAt = 0;

  constructor(
    readonly port: number,
    readonly stateDir: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<number> {
    const started = Date.now();
    this.#child = await startService(this.port, this.stateDir);
    this.readyAt = Date.now();
    return this.readyAt - started;
  }

  /** SIGKILL to wrangler and workerd at once: nothing gets to flush. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child) await killTree(child);
  }
}

/**
 * A client's network, which a test can cut: while cut, every socket it had is closed and new
 * attempts fail at the token fetch, which the SDK retries like any dropped connection.
 */
export class Line {
  isCut = false;
  readonly #sockets = new Set<WebSocket>();

  /** A WebSocket class whose instances this line can close. */
  readonly WebSocket: typeof WebSocket = (() => {
    const sockets = this.#sockets;
    return class LineSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.add(this);
        this.addEventListener("close", () => sockets.delete(this));
      }
    };
  })();

  cut(): void {
    this.isCut = true;
    for (const socket of this.#sockets) socket.close(4000, "line cut");
  }

  restore(): void {
    this.isCut = false;
  }
}

/** An SDK client with a fast reconnect (100 ms - 1 s) whose tokens come from the development route. */
export function faultClient(baseUrl: string, sub: string, room: string, role: string, line = new Line()): EdgeroomClient {
  return createClient({
    baseUrl,
    getToken: async () => {
      if (line.isCut) throw new Error("line cut");
      return devToken(baseUrl, { sub, room, role });
    },
    reconnect: { minDelayMs: 100, maxDelayMs: 1_000 },
    WebSocket: line.WebSocket,
  });
}

const isInSync = (status: string) => status === "synced" || status === "saved";

/** The Y.Array every editor appends its tagged edits to. */
export const EDITS = "edits";

/**
 * One editor of a document room. Every edit is a unique tag `name:seq` appended to one Y.Array;
 * `made[0..savedCount)` are the edits the SDK said were saved: each time the provider turns
 * `saved`, or stays `saved` through an edit, every edit made before that moment is durable.
 */
export class Editor {
  readonly made: string[] = [];
  savedCount = 0;
  /** When the provider was last back in sync after a drop, epoch ms; null until then. */
  reconnectedAt: number | null = null;
  #droppedAt: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly name: string,
    readonly provider: DocProvider,
    private readonly random: () => number,
  ) {
    provider.on("status", (status) => {
      if (status === "saved") this.savedCount = this.made.length;
      if (status === "offline") this.#droppedAt ??= Date.now();
      if (isInSync(status) && this.#droppedAt !== null) {
        this.reconnectedAt = Date.now();
        this.#droppedAt = null;
      }
    });
  }

  get toldSaved(): string[] {
    return this.made.slice(0, this.savedCount);
  }

  get isInSync(): boolean {
    return isInSync(this.provider.status);
  }

  edit(): string {
    const tag = `${this.name}:${this.made.length}`;
    this.made.push(tag);
    this.provider.doc.getArray<string>(EDITS).push([tag]);
    // A provider still `saved` right after the edit tells the app it is durable already.
    if (this.provider.status === "saved") this.savedCount = this.made.length;
    return tag;
  }

  /** Edits every 20-60 ms (seeded) until `pause()`, online or not. */
  start(): void {
    if (this.#timer) return;
    const next = () => {
      this.#timer = setTimeout(() => {
        this.edit();
        next();
      }, 20 + Math.floor(this.random() * 40));
    };
    next();
  }

  pause(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  contents(): string[] {
    return this.provider.doc.getArray<string>(EDITS).toArray();
  }
}

/** Opens a fresh client on `roomId`, waits until it has the room's state, and returns the edits it read. */
export async function readRoom(baseUrl: string, roomId: string, timeoutMs = 20_000): Promise<string[]> {
  const provider = faultClient(baseUrl, `reader-${roomId}-${Date.now()}`, "doc/*", "viewer").doc(roomId);
  try {
    await eventually(() => isInSync(provider.status), timeoutMs, `a fresh reader of ${roomId} to sync`);
    return provider.doc.getArray<string>(EDITS).toArray();
  } finally {
    provider.destroy();
  }
}

/** Tags in `expected` that `found` lacks, and tags `found` holds more than once. */
export function compareEdits(expected: string[], found: string[]): { missing: string[]; duplicated: string[] } {
  const counts = new Map<string, number>();
  for (const tag of found) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return {
    missing: expected.filter((tag) => !counts.has(tag)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([tag]) => tag),
  };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}
