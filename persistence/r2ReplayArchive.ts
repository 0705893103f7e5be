import type { ReplayRecord } from "../protocol/index.ts";
import { compressRecord, decompress, replayKey, replayPrefix, type ReplayArchive, type ReplaySummary } from "./replayArchive.ts";

/** Replays in R2, gzip-compressed, with a summary in each object's custom metadata for listings. */
export class R2ReplayArchive implements ReplayArchive {
  readonly #bucket: R2Bucket;

  constructor(bucket: R2Bucket) {
    this.#bucket = bucket;
  }

  async put(record: ReplayRecord): Promise<void> {
    const { header } = record;
    const bytes = await compressRecord(record);
    await this.#bucket.put(replayKey(header.game, header.roomId, header.matchId), bytes, {
      httpMetadata: { contentType: "application/json", contentEncoding: "gzip" },
      customMetadata: {
        format: "1",
        matchId: header.matchId,
        endedAt: String(header.endedAt),
        winners: header.result.winners.join(","),
      },
    });
  }

  async list(game: string, roomId: string, limit: number): Promise<ReplaySummary[]> {
    const listed = await this.#bucket.list({ prefix: replayPrefix(game, roomId), limit, include: ["customMetadata"] });
    return listed.objects
      .map((object) => ({
        matchId: object.customMetadata?.matchId ?? object.key.slice(object.key.lastIndexOf("/") + 1, -".json.gz".length),
        endedAt: Number(object.customMetadata?.endedAt ?? object.uploaded.getTime()),
        bytes: object.size,
        winners: object.customMetadata?.winners ? object.customMetadata.winners.split(",") : [],
      }))
      .sort((a, b) => a.endedAt - b.endedAt);
  }

  async get(game: string, roomId: string, matchId: string) {
    const object = await this.#bucket.get(replayKey(game, roomId, matchId));
    return object ? decompress(object.body) : null;
  }
}
