import type { GameStore } from "../../persistence/gameStore.ts";
import { hashState, type AnyGame } from "../../protocol/index.ts";
import type { GameTicker } from "./gameTicker.ts";
import type { MatchRunner } from "./matchRunner.ts";
import type { SeatBook } from "./seatBook.ts";

/**
 * What tests and the admin API read of a game room: its seats (without their resume tokens),
 * its match, its state and the records replayMatch re-runs. Read-only.
 */
export class GameAdminViews {
  constructor(
    private readonly parts: { game: AnyGame; store: GameStore; seats: SeatBook; match: MatchRunner; ticker: GameTicker },
  ) {}

  /** The seats, their resume tokens left out: only the seat's holder ever sees its token. */
  seats() {
    return this.parts.seats.all().map(({ resumeToken: _hidden, ...seat }) => seat);
  }

  /** Seats and the current match, for tests and the admin API's describe. */
  describe() {
    const { game, match } = this.parts;
    return { game: game.name, seats: this.seats(), matchId: match.matchId, tick: match.engine?.tick ?? 0 };
  }

  /** The game's part of an admin inspect. */
  inspect() {
    const { game, match, ticker } = this.parts;
    const engine = match.engine;
    return {
      game: { name: game.name, version: game.version, tickRateHz: game.tickRateHz, maxPlayers: game.maxPlayers },
      tick: engine?.tick ?? 0,
      isTicking: ticker.isTicking,
      seats: this.seats(),
      match: match.matchId ? { id: match.matchId, result: engine ? game.result(engine.state) : null } : null,
    };
  }

  /** The current state and the running match's record. */
  exportRoom() {
    const { game, match } = this.parts;
    const engine = match.engine;
    return {
      game: game.name,
      tick: engine?.tick ?? 0,
      state: engine?.state ?? null,
      match: match.matchId ? this.matchRecord(match.matchId) : null,
    };
  }

  /** The running match's tick and state hash, to check a replay against. */
  liveState(): { tick: number; hash: string | null } {
    const engine = this.parts.match.engine;
    return { tick: engine?.tick ?? 0, hash: engine ? hashState(engine.state) : null };
  }

  /** The record of a match: what `replayMatch` needs to re-run it. */
  matchRecord(matchId: string) {
    const match = this.parts.store.match(matchId);
    if (!match) return null;
    return { ...match, entries: this.parts.store.entries(matchId).map((e) => e.entry) };
  }
}
