// Each store's own file, not persistence/index.ts: the barrel reaches the D1 and R2 classes, which no engine may.
import type { GameStore } from "../../persistence/gameStore.ts";
import type { LeaderboardStore, LeaderboardWrite } from "../../persistence/leaderboardStore.ts";
import { unknownOutboxKind, type RoomExportEntry } from "../../persistence/outboxKinds.ts";
import type { ReplayArchive } from "../../persistence/replayArchive.ts";
import { REPLAY_FORMAT, periodKey, type AnyGame, type MatchEndedData, type ReplayRecord } from "../../protocol/index.ts";
import { z } from "zod";
import type { GameOutbox } from "./gameCore.ts";
import type { MatchEnd } from "./matchRunner.ts";

/**
 * What a finished match sends to cloud storage: leaderboard writes to D1 and the replay to
 * R2. Both are enqueued in the room's outbox in the same transaction as the match's end;
 * the replay is built from the match record at flush time, so the outbox rows stay small.
 * With the match.ended event's entries (rooms/events.ts) they are at most four, which the outbox keeps free for them (OutboxLimits.RESERVED_ENTRIES):
 * a match's end that found the outbox full would roll back while the room's memory says it ended.
 */
export function enqueueMatchExports(
  outbox: GameOutbox,
  game: AnyGame,
  matchId: string,
  { result, reason }: MatchEnd,
  endedAt: number,
): void {
  const writes: LeaderboardWrite[] = [];
  // A match a room bound cut short (R6, R7) ranks no one: its rules never finished it (R8).
  for (const board of reason === "finished" ? (game.boards ?? []) : []) {
    for (const playerId of Object.keys(result.scores)) {
      const score = board.score(result, playerId);
      if (score === null) continue;
      writes.push({
        board: `${game.name}.${board.name}`,
        periodKey: periodKey(board.period, endedAt),
        playerId,
        score,
        operator: board.operator,
        order: board.order,
      });
    }
  }
  if (writes.length > 0) outbox.enqueue("leaderboard", `leaderboard:${matchId}`, JSON.stringify(writes), endedAt, { isReserved: true });
  outbox.enqueue("replay", `replay:${matchId}`, matchId, endedAt, { isReserved: true });
}

const Writes = z.array(
  z.object({
    board: z.string(),
    periodKey: z.string(),
    playerId: z.string(),
    score: z.number(),
    operator: z.enum(["best", "incr", "set"]),
    order: z.enum(["desc", "asc"]),
  }),
);

export interface ExportTargets {
  game: AnyGame;
  roomId: string;
  store: GameStore;
  leaderboards: LeaderboardStore;
  replays: ReplayArchive;
  /** A board's rows changed: cached pages of it are stale (the edge cache in Cloudflare). */
  boardChanged(board: string): Promise<unknown>;
}

/** Delivers one outbox entry at `now` (ms since the epoch); throws unless its store confirmed it. */
export async function deliverMatchExport(entry: RoomExportEntry, targets: ExportTargets, now: number): Promise<void> {
  switch (entry.kind) {
    case "leaderboard": {
      const writes = Writes.parse(JSON.parse(entry.payload));
      await targets.leaderboards.apply(entry.key, writes);
      for (const board of new Set(writes.map((w) => w.board))) await targets.boardChanged(board);
      return;
    }
    case "replay": {
      // Stored already, and its entries pruned: a retry after a lost confirmation rebuilds nothing.
      if (targets.store.match(entry.payload)?.replayStoredAt != null) return;
      const record = buildReplayRecord(targets, entry.payload);
      await targets.replays.put(record);
      // R2 has it: the entries leave the room's SQLite (R8). The match row, with its result and hash, stays.
      targets.store.pruneEntries(entry.payload, now);
      return;
    }
    case "doc_version":
    case "doc_version_prune":
      throw new Error(`a game room writes no "${entry.kind}" entries`);
    default: {
      const never: never = entry;
      throw unknownOutboxKind(never);
    }
  }
}

/** A match.ended event's data, from the match record its end has just written (call in that transaction). */
export function matchEndedData(targets: Pick<ExportTargets, "game" | "roomId" | "store">, matchId: string): MatchEndedData {
  const match = targets.store.match(matchId);
  if (!match || match.endedAt === null || match.finalTick === null || match.result === null) throw new Error(`match ${matchId} has no finished record`);
  return {
    game: targets.game.name,
    gameVersion: match.version,
    roomId: targets.roomId,
    matchId,
    reason: match.reason ?? "finished",
    result: match.result,
    players: match.players,
    startedAt: match.startedAt,
    endedAt: match.endedAt,
    finalTick: match.finalTick,
  };
}

export function buildReplayRecord(targets: Pick<ExportTargets, "game" | "roomId" | "store">, matchId: string): ReplayRecord {
  const match = targets.store.match(matchId);
  if (!match || match.endedAt === null || match.finalTick === null || match.result === null || match.finalHash === null) {
    throw new Error(`match ${matchId} has no finished record`);
  }
  return {
    format: REPLAY_FORMAT,
    header: {
      game: targets.game.name,
      version: match.version,
      roomId: targets.roomId,
      matchId,
      seed: match.seed,
      players: match.players,
      startedAt: match.startedAt,
      endedAt: match.endedAt,
      finalTick: match.finalTick,
      finalStateHash: match.finalHash,
      result: match.result,
      ...(match.reason ? { reason: match.reason } : {}),
    },
    entries: targets.store.entries(matchId).map((e) => e.entry),
  };
}
