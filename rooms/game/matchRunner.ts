import type { GameStore } from "../../persistence/gameStore.ts";
import {
  GameLimits,
  MatchEngine,
  hashState,
  type AnyGame,
  type MatchEndReason,
  type MatchEntry,
  type MatchResult,
} from "../../protocol/index.ts";
import type { Randomness } from "../engine/ports.ts";
import { matchSeed } from "./randomTokens.ts";

/** How a match ended: the game's result at that tick, and what ended it. */
export interface MatchEnd {
  result: MatchResult;
  reason: MatchEndReason;
}

/** `restartAt` after an idle end (R7): no timer starts the next match, a player's act does (see `wake`). */
const ON_ACTIVITY = Number.POSITIVE_INFINITY;

/**
 * Runs the room's current match and writes its record as it goes: every join, leave and
 * applied input is appended with its tick in the same turn it is applied, and the state is
 * snapshotted every few ticks so a woken room resumes from storage, not from memory.
 * A match also ends at a room bound (SPEC R6, R7): GameLimits.MAX_MATCH_ENTRIES logged entries,
 * or GameLimits.MATCH_IDLE_MS without one.
 */
export class MatchRunner {
  engine: MatchEngine | null = null;
  matchId: string | null = null;
  /** Epoch ms at which the next match starts, while between matches; ON_ACTIVITY after an idle end. */
  restartAt: number | null = null;
  /** Last input seq applied per player in this match. */
  readonly acks = new Map<string, number>();
  #lastEntryId = 0;
  /** Entries applied inside `hold`, appended in one statement when it ends (or before anything that needs them stored). */
  #held: MatchEntry[] | null = null;
  /** Entries this match has logged (MAX_MATCH_ENTRIES). */
  #entryCount = 0;
  /** The count when a step last saw it change, and the epoch ms of that step (MATCH_IDLE_MS). */
  #countSeen = 0;
  #activeAt: number | null = null;

  constructor(
    readonly game: AnyGame,
    private readonly store: GameStore,
    private readonly random: Randomness,
  ) {
    this.#restore();
  }

  get isRunning(): boolean {
    return this.engine !== null && this.restartAt === null;
  }

  /** Ended idle, waiting for a player's act before the next match starts (R7). */
  get isAwaitingActivity(): boolean {
    return this.restartAt === ON_ACTIVITY;
  }

  /** A player acted (an input, a new seat): after an idle end, the next match is due now. */
  wake(now: number): void {
    if (this.isAwaitingActivity) this.restartAt = now;
  }

  /**
   * Runs `work` (a group of hellos) with the joins and leaves it records appended in one statement at
   * its end, in their order: each join was its own INSERT. Everything that reads the log's ids (a
   * snapshot, a new match, a tick's inputs) writes what is held first.
   */
  hold(work: () => void): void {
    if (this.#held) return work();
    this.#held = [];
    try {
      work();
    } finally {
      try {
        this.#writeHeld();
      } finally {
        this.#held = null;
      }
    }
  }

  start(players: string[], now: number): void {
    this.#writeHeld();
    const seed = matchSeed(this.random);
    const id = this.random.uuid();
    this.store.startMatch({ id, seed, version: this.game.version, players, startedAt: now });
    this.matchId = id;
    this.engine = new MatchEngine(this.game, seed, players);
    this.restartAt = null;
    this.acks.clear();
    this.#lastEntryId = 0;
    this.#entryCount = 0;
    for (const playerId of players) this.#record({ tick: 0, kind: "join", playerId });
    this.#countSeen = this.#entryCount;
    this.#activeAt = now;
    this.#snapshot();
  }

  join(playerId: string): void {
    if (this.isRunning) this.#record({ tick: this.engine!.tick, kind: "join", playerId });
  }

  leave(playerId: string): void {
    if (this.isRunning) this.#record({ tick: this.engine!.tick, kind: "leave", playerId });
  }

  /** Applies a validated input unless its seq is stale (G3) or the match is at its entry bound (R6); returns whether it was applied. */
  input(playerId: string, seq: number, input: unknown): boolean {
    return this.inputs([{ playerId, seq, input }]) === 1;
  }

  /**
   * Applies validated inputs in their order, each as `input` would, and appends the applied ones to
   * the log in one write (a tick's inputs: one statement per tick, not one per input); the caller's
   * transaction makes them durable together with the tick. Returns how many were applied.
   */
  inputs(batch: readonly { playerId: string; seq: number; input: unknown }[]): number {
    this.#writeHeld();
    const logged: MatchEntry[] = [];
    let applied = 0;
    for (const { playerId, seq, input } of batch) {
      if ((this.acks.get(playerId) ?? 0) >= seq) continue;
      if (this.isRunning && this.#entryCount >= GameLimits.MAX_MATCH_ENTRIES) continue;
      this.acks.set(playerId, seq);
      applied += 1;
      if (!this.isRunning) continue;
      const entry: MatchEntry = { tick: this.engine!.tick, kind: "input", playerId, seq, input };
      this.engine!.apply(entry);
      logged.push(entry);
      this.#entryCount += 1;
    }
    if (logged.length > 0) this.#lastEntryId = this.store.appendEntries(this.matchId!, logged);
    return applied;
  }

  /** Advances one tick; returns how the match ended if it just did. */
  step(now: number): MatchEnd | null {
    if (!this.isRunning) return null;
    const engine = this.engine!;
    if (this.#activeAt === null || this.#entryCount !== this.#countSeen) {
      this.#activeAt = now;
      this.#countSeen = this.#entryCount;
    }
    engine.step();
    const result = this.game.result(engine.state);
    const reason = this.#endReason(result, now);
    if (reason) {
      this.store.endMatch(this.matchId!, engine.tick, result, hashState(engine.state), now, reason);
      this.#snapshot();
      this.restartAt = reason === "idle" ? ON_ACTIVITY : now + GameLimits.RESTART_DELAY_MS;
      return { result, reason };
    }
    if (engine.tick % GameLimits.SNAPSHOT_EVERY_TICKS === 0) this.#snapshot();
    return null;
  }

  /** Saves the state now, so a wake replays nothing (called when the room stops ticking). */
  checkpoint(): void {
    if (this.isRunning) this.#snapshot();
    // Idle time counts while the room ticks (R7): a room nobody was connected to resumes with a fresh window.
    this.#activeAt = null;
  }

  #endReason(result: MatchResult, now: number): MatchEndReason | null {
    if (result.isOver) return "finished";
    if (this.#entryCount >= GameLimits.MAX_MATCH_ENTRIES) return "entry_limit";
    if (now - this.#activeAt! >= GameLimits.MATCH_IDLE_MS) return "idle";
    return null;
  }

  #record(entry: MatchEntry): void {
    this.engine!.apply(entry);
    if (this.#held) this.#held.push(entry);
    else this.#lastEntryId = this.store.appendEntry(this.matchId!, entry);
    this.#entryCount += 1;
  }

  #writeHeld(): void {
    const held = this.#held;
    if (!held || held.length === 0) return;
    this.#held = [];
    this.#lastEntryId = this.store.appendEntries(this.matchId!, held);
  }

  #snapshot(): void {
    this.#writeHeld();
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
    // The idle clock starts at the first tick after a wake, as after any pause in ticking.
    this.#entryCount = this.#countSeen = this.store.entryCount(match.id);
    if (match.endedAt !== null) {
      while (engine.tick < (match.finalTick ?? 0)) engine.step();
      this.restartAt = match.reason === "idle" ? ON_ACTIVITY : match.endedAt + GameLimits.RESTART_DELAY_MS;
    }
    engine.drainEvents();
    this.engine = engine;
    this.matchId = match.id;
  }
}
