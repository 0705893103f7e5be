import type { ReplayRecord } from "../protocol/index.ts";

/** One stored match, as a listing shows it. */
export interface ReplaySummary {
  matchId: string;
  endedAt: number;
  bytes: number;
  winners: string[];
}

/** Replays behind a narrow interface: R2 in production, memory in tests. Keys are per game, room and match. */
export interface ReplayArchive {
  /** Stores a record; storing the same match again replaces it with the same bytes. */
  put(record: ReplayRecord): Promise<void>;
  /** The room's matches, oldest first, `limit` at most. */
  list(game: string, roomId: string, limit: number): Promise<ReplaySummary[]>;
  /** The record as JSON text, streamed, or null. */
  get(game: string, roomId: string, matchId: string): Promise<ReadableStream<Uint8Array> | null>;
}

export function replayKey(game: string, roomId: string, matchId: string): string {
  return `${replayPrefix(game, roomId)}${matchId}.json.gz`;
}

export function replayPrefix(game: string, roomId: string): string {
  return `replays/${game}/${roomId}/`;
}

/** Gzip of a record's canonical JSON: replays are mostly repeated input shapes, which compress well. */
export async function compressRecord(record: ReplayRecord): Promise<Uint8Array> {
  const stream = new Blob([JSON.stringify(record)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function decompress(bytes: ReadableStream<Uint8Array> | Uint8Array): ReadableStream<Uint8Array> {
  // Copied, and the stream typed as bytes to bytes: Node's and the DOM's typings (not Workers') refuse a
  // view whose buffer may be shared, and this file is compiled for Node hosts too.
  const source = bytes instanceof Uint8Array ? new Blob([new Uint8Array(bytes)]).stream() : bytes;
  return source.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>);
}

export class MemoryReplayArchive implements ReplayArchive {
  readonly #objects = new Map<string, { bytes: Uint8Array; summary: ReplaySummary }>();

  async put(record: ReplayRecord): Promise<void> {
    const { header } = record;
    const bytes = await compressRecord(record);
    this.#objects.set(replayKey(header.game, header.roomId, header.matchId), {
      bytes,
      summary: { matchId: header.matchId, endedAt: header.endedAt, bytes: bytes.byteLength, winners: header.result.winners },
    });
  }

  async list(game: string, roomId: string, limit: number): Promise<ReplaySummary[]> {
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(replayPrefix(game, roomId)))
      .map(([, o]) => o.summary)
      .sort((a, b) => a.endedAt - b.endedAt)
      .slice(0, limit);
  }

  async get(game: string, roomId: string, matchId: string) {
    const found = this.#objects.get(replayKey(game, roomId, matchId));
    return found ? decompress(found.bytes) : null;
  }
}
