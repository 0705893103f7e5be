import type { SqliteGameStore } from "../../persistence/index.ts";
import {
  GameLimits,
  MatchEngine,
  hashState,
  type AnyGame,
  type MatchEntry,
  type MatchResult,
} from "../../protocol/index.ts";

/**
 * Runs the room's current match and writes its record as it goes: every join, leave and
 * applied input is appended with its tick in the same turn it is applied, and the state is
 * snapshotted every few ticks so a woken room resumes from storage, not from memory.
 */
export class MatchRunner {
  engine: MatchEngine | null = null;
  matchId: string | null = null;
  /** Epoch ms at which the next match starts, while between matches. */
  restartAt: number | null = null;
  /** Last input seq applied per player in this match. */
  readonly acks = new Map<string, number>();
  #lastEntryId = 0;

  constructor(
    readonly game: AnyGame,
    private readonly store: SqliteGameStore,
  ) {
    this.#restore();
  }

  get isRunning(): boolean {
    return this.engine !== null && this.restartAt === null;
  }

  start(players: string[], now: number): void {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
    const id = crypto.randomUUID();
    this.store.startMatch({ id, seed, version: this.game.version, players, startedAt: now });
    this.matchId = id;
    this.engine = new MatchEngine(this.game, seed, players);
    this.restartAt = null;
    this.acks.clear();
    this.#lastEntryId = 0;
    for (const playerId of players) this.#record({ tick: 0, kind: "join", playerId });
    this.#snapshot();
  }

  join(playerId: string): void {
    if (this.isRunning) this.#record({ tick: this.engine!.tick, kind: "join", playerId });
  }

  leave(playerId: string): void {
    if (this.isRunning) this.#record({ tick: this.engine!.tick, kind: "leave", playerId });
  }

  /** Applies a validated input unless its seq is stale (G3); returns whether it was applied. */
  input(playerId: string, seq: number, input: unknown): boolean {
    if ((this.acks.get(playerId) ?? 0) >= seq) return false;
    this.acks.set(playerId, seq);
    if (this.isRunning) this.#record({ tick: this.engine!.tick, kind: "input", playerId, seq, input });
    return true;
  }

  /** Advances one tick; returns the result if the match just ended. */
  step(now: number): MatchResult | null {
    if (!this.isRunning) return null;
    const engine = this.engine!;
    engine.step();
    const result = this.game.result(engine.state);
    if (result.isOver) {
      this.store.endMatch(this.matchId!, engine.tick, result, hashState(engine.state), now);
      this.restartAt = now + GameLimits.RESTART_DELAY_MS;
      return result;
    }
    if (engine.tick % GameLimits.SNAPSHOT_EVERY_TICKS === 0) this.#snapshot();
    return null;
  }

  /** Saves the state now, so a wake replays nothing (called when the room stops ticking). */
  checkpoint(): void {
    if (this.isRunning) this.#snapshot();
  }

  #record(entry: MatchEntry): void {
    this.engine!.apply(entry);
    this.#lastEntryId = this.store.appendEntry(this.matchId!, entry);
  }

  #snapshot(): void {
    this.store.saveSnapshot(this.matchId!, this.engine!.snapshot(), this.#lastEntryId);
  }

  #restore(): void {
    // The running match; or, unloaded in the pause after one (a deploy, a crash), the match that
    // ended: its final state shows until the next match starts, when it was due (R5).
    const match = this.store.currentMatch() ?? this.store.latestMatch();
    if (!match) return;
    const saved = this.store.loadSnapshot(match.id);
    const engine = new MatchEngine(this.game, match.seed, match.players, saved?.snapshot);
    for (const { entry } of this.store.entries(match.id)) {
      if (entry.kind === "input") this.acks.set(entry.playerId, Math.max(this.acks.get(entry.playerId) ?? 0, entry.seq));
    }
    for (const { id, entry } of this.store.entries(match.id, saved?.lastEntryId ?? 0)) {
      while (engine.tick < entry.tick) engine.step();
      engine.apply(entry);
      this.#lastEntryId = id;
    }
    this.#lastEntryId = Math.max(this.#lastEntryId, saved?.lastEntryId ?? 0);
    if (match.endedAt !== null) {
      while (engine.tick < (match.finalTick ?? 0)) engine.step();
      this.restartAt = match.endedAt + GameLimits.RESTART_DELAY_MS;
    }
    engine.drainEvents();
    this.engine = engine;
    this.matchId = match.id;
  }
}
