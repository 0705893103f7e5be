import { z } from "zod";
import type { AnyGame } from "./gameDefinition.ts";
import { MatchEngine, hashState, type MatchEntry } from "./match.ts";
import { MatchEndReason, MatchResultSchema } from "./matchResult.ts";

/** Format version of stored replays; bump it when the record's shape changes. */
export const REPLAY_FORMAT = 1;

const Entry = z.discriminatedUnion("kind", [
  z.object({ tick: z.number().int().nonnegative(), kind: z.literal("join"), playerId: z.string() }),
  z.object({ tick: z.number().int().nonnegative(), kind: z.literal("leave"), playerId: z.string() }),
  z.object({ tick: z.number().int().nonnegative(), kind: z.literal("input"), playerId: z.string(), seq: z.number(), input: z.unknown() }),
]);

/** A finished match as stored in R2: a header, then every entry by tick. */
export const ReplayRecord = z.object({
  format: z.literal(REPLAY_FORMAT),
  header: z.object({
    game: z.string(),
    version: z.string(),
    roomId: z.string(),
    matchId: z.string(),
    seed: z.number().int(),
    players: z.array(z.string()),
    startedAt: z.number(),
    endedAt: z.number(),
    finalTick: z.number().int().nonnegative(),
    finalStateHash: z.string(),
    result: MatchResultSchema,
    /** Added within format 1: replays stored before it have none. */
    reason: MatchEndReason.optional(),
  }),
  entries: z.array(Entry),
});
export type ReplayRecord = z.infer<typeof ReplayRecord>;

export class ReplayMismatchError extends Error {
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string, reason: string) {
    super(`replay does not reproduce the match: ${reason} (recorded hash ${expected}, re-simulated ${actual})`);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Re-simulates a stored match with the game's rules, yielding the state after every tick
 * (and after the entries of that tick). Throws ReplayMismatchError at the end if the final
 * state's hash differs from the recorded one, or if the game's version differs.
 */
export function* replay(record: ReplayRecord, game: AnyGame): Generator<{ tick: number; state: unknown }, void> {
  const { header } = record;
  if (header.game !== game.name || header.version !== game.version) {
    throw new ReplayMismatchError(header.finalStateHash, "-", `recorded with ${header.game} ${header.version}, replaying ${game.name} ${game.version}`);
  }
  const engine = new MatchEngine(game, header.seed, header.players);
  const entries: MatchEntry[] = record.entries;
  let next = 0;
  for (;;) {
    while (next < entries.length && entries[next]!.tick === engine.tick) engine.apply(entries[next++]!);
    yield { tick: engine.tick, state: engine.state };
    if (engine.tick >= header.finalTick) break;
    engine.step();
  }
  const actual = hashState(engine.state);
  if (actual !== header.finalStateHash) throw new ReplayMismatchError(header.finalStateHash, actual, "final state differs");
}
