/**
 * What a room engine needs from the runtime it runs in, and nothing more. The document and game
 * engines import no partyserver, no `cloudflare:*` module and no Workers global: time, randomness,
 * timers, durability, SQL and the archive reach them only through these ports, so the same engine
 * runs in a Durable Object (rooms/cloudflare/) and in one Node process (the Node adapter), and in
 * tests with a fake clock.
 */
import type { SqlDatabase } from "../../persistence/sql.ts";

/** One client's socket, as the engine sees it. */
export interface RoomSocket {
  readonly id: string;
  /** False once the socket closed or is closing: nothing more may be sent on it. */
  readonly isOpen: boolean;
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  /**
   * A small structured-cloneable value kept with the socket. In a Durable Object it survives
   * hibernation (the socket's attachment); elsewhere it lives as long as the socket.
   */
  readonly attachment: unknown;
  attach(value: unknown): void;
}

/** Wall-clock and elapsed time. */
export interface Clock {
  /** Milliseconds since the epoch, for deadlines stored or sent to clients. */
  now(): number;
  /** A monotonic millisecond reading, for measuring how long something took. */
  elapsedMs(): number;
}

export interface Randomness {
  uuid(): string;
}

/** Timers and the one durable alarm a room has. */
export interface Scheduler {
  /** Sets the room's alarm, replacing an earlier one; it fires even after the room was unloaded. */
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
  /**
   * Runs `work` once, `delayMs` from now, unless the returned function is called first. Keeps the
   * room loaded while pending. A game's tick loop (rooms/game/tickLoop.ts) sets one per deadline.
   */
  later(delayMs: number, work: () => void): () => void;
  /** Runs `work` once the current turn has ended (its replies sent). */
  afterTurn(work: () => void): void;
}

/**
 * Writes and when they are on disk. An engine makes its writes inside `transaction`; what may only
 * leave the room once those writes are durable (a `saved` acknowledgement) goes through
 * `afterDurable`. In a Durable Object the output gate already holds outgoing messages until the
 * turn's writes are durable, and `afterDurable` says so in code instead of relying on it silently;
 * on Node it runs once SQLite's commit has returned (synchronous = FULL).
 */
export interface Durability {
  /** Resolves once every write made so far is durable. */
  sync(): Promise<void>;
  /**
   * Runs `send` once the writes made so far are durable. The engine sends every acknowledgement
   * through here, never straight after a write.
   */
  afterDurable(send: () => void): void;
  /**
   * True where the runtime itself holds every outgoing message while a commit is in flight (a
   * Durable Object's output gate). A message sent then leaves only when the commit lands anyway,
   * so the document room merges the updates it would relay meanwhile into one frame for that
   * moment: the same latency, one send per socket instead of one per update.
   */
  readonly holdsOutput?: boolean;
}

/**
 * The archive (an R2 bucket in Cloudflare, a folder on Node): document versions and replays. The
 * part of R2's API the rooms use, so an R2Bucket is one as it is.
 */
export interface ArchivePort {
  put(key: string, value: Uint8Array | string | ReadableStream, options?: { httpMetadata?: { contentType?: string }; customMetadata?: Record<string, string> }): Promise<unknown>;
  get(key: string): Promise<{ body: ReadableStream; arrayBuffer(): Promise<ArrayBuffer>; customMetadata?: Record<string, string> } | null>;
  list(options: { prefix: string; cursor?: string; limit?: number }): Promise<{ objects: { key: string; size: number }[]; truncated: boolean; cursor?: string }>;
  delete(keys: string | string[]): Promise<void>;
}

/** The room's host: its name, its live sockets, its own storage as a whole. */
export interface RoomHost {
  /** The room's object name: `{roomId}` for documents, `{gameName}:{roomId}` for games. */
  readonly name: string;
  /** Every socket still connected, including those from before a hibernation. */
  sockets(): RoomSocket[];
  /** Storage the room uses, in bytes, as the directory reports it. */
  storageBytes(): number;
  /**
   * Erases all of the room's own storage (an admin delete). The storage is empty as soon as the call
   * returns (DO SQLite resets at once): writes made before the promise settles land in the emptied
   * storage, which the delete uses to carry undelivered room events over.
   */
  deleteAll(): Promise<void>;
  /** Drops this instance once the turn ends: the next request loads the room afresh. */
  drop(reason: string): void;
}

/** Every port a room engine takes. */
export interface RoomPorts {
  host: RoomHost;
  /** The room's own SQLite: `ctx.storage` in a Durable Object, nodeSqlite() on Node. */
  db: SqlDatabase;
  durability: Durability;
  scheduler: Scheduler;
  clock: Clock;
  random: Randomness;
  archive: ArchivePort;
}
