import type { GameConnection } from "../../client-sdk/index.ts";
import type { tictactoe } from "../../games/tictactoe.ts";
import { faultClient, sleep } from "./faultHarness.ts";

type TicTacToe = GameConnection<typeof tictactoe>;

/** A match the room said was over (its `match_over`, or a view in phase `over` after a resume). */
export interface FinishedMatch {
  roomId: string;
  matchId: string;
  winnerId: string | null;
  players: string[];
}

/** What the match loops saw, shared by all of them. */
export interface GameRecord {
  finished: FinishedMatch[];
  /** Players welcomed back after a drop, and when, epoch ms. */
  resumes: { playerId: string; at: number }[];
  failures: string[];
}

/** Longest a scripted match may take, kills included, before it counts as a failure, in ms. */
const MATCH_TIMEOUT_MS = 90_000;
/** X takes the top row while O answers in the middle row: X wins on its third move. */
const SCRIPT = { X: [0, 1, 2], O: [3, 4] } as const;
const BOARDS = ["tictactoe.wins", "tictactoe.wins-weekly"] as const;

/**
 * Plays scripted tic-tac-toe matches one after another, each in a new private room with two new
 * players, until stopped; a match under way when `stop()` is called is played to its end. Players
 * reconnect by themselves after a kill and must get their own seat back (R4).
 */
export class MatchLoop {
  #isRunning = false;
  #done: Promise<void> = Promise.resolve();
  #count = 0;

  constructor(
    private readonly baseUrl: () => string,
    private readonly prefix: string,
    private readonly record: GameRecord,
    private readonly random: () => number,
  ) {}

  start(): void {
    if (this.#isRunning) return;
    this.#isRunning = true;
    this.#done = (async () => {
      while (this.#isRunning) {
        await this.#playOne();
        await sleep(100 + Math.floor(this.random() * 400));
      }
    })();
  }

  /** Stops starting matches and waits for the one under way. */
  stop(): Promise<void> {
    this.#isRunning = false;
    return this.#done;
  }

  async #playOne(): Promise<void> {
    const n = this.#count++;
    const subs = { X: `${this.prefix}-${n}-x`, O: `${this.prefix}-${n}-o` };
    const clientFor = (sub: string) => faultClient(this.baseUrl(), sub, "game/tictactoe/*", "player");
    let x: TicTacToe | null = null;
    while (!x) {
      try {
        x = await clientFor(subs.X).joinOrCreate<typeof tictactoe>("tictactoe", { mode: "private" });
      } catch {
        if (!this.#isRunning) return; // the service is down and we are asked to stop: no match begun
        await sleep(200);
      }
    }
    const connections = [x];
    const match = { isSettled: false };
    const xDone = this.#watch(x, "X", 0, subs, match);
    const oDone = (async () => {
      // Seats go in order of arrival (T1): O connects once X sits.
      await x.whenStatus("joined");
      const o = clientFor(subs.O).game<typeof tictactoe>("tictactoe", x.roomId);
      connections.push(o);
      await this.#watch(o, "O", 1, subs, match);
    })();
    try {
      // X closing for good is recorded by its watch, which then resolves.
      await Promise.race([xDone, oDone.catch(() => xDone)]);
    } finally {
      match.isSettled = true;
      for (const conn of connections) conn.destroy();
    }
  }

  /** Plays one side; resolves when the room says the match is over, or the match times out. */
  #watch(conn: TicTacToe, mark: "X" | "O", seat: number, subs: { X: string; O: string }, match: { isSettled: boolean }): Promise<void> {
    const playerId = subs[mark];
    const sent = new Set<number>();
    let droppedAt: number | null = null;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (match.isSettled) return; // the other side saw the end
        this.record.failures.push(`match in ${conn.roomId} (${playerId}) not over after ${MATCH_TIMEOUT_MS} ms`);
        resolve();
      }, MATCH_TIMEOUT_MS);
      const finish = (matchId: string | null, winnerMark: string | null, seats: Partial<Record<string, string>>) => {
        clearTimeout(timer);
        if (matchId === null) this.record.failures.push(`match in ${conn.roomId} over without a match id`);
        else this.#noteFinished(conn.roomId, matchId, winnerMark === "X" || winnerMark === "O" ? (seats[winnerMark] ?? null) : null, subs);
        resolve();
      };
      conn.on("event", (event) => {
        if (event.type === "match_over") finish(event.matchId, event.result.winners.includes(subs.X) ? "X" : event.result.winners.includes(subs.O) ? "O" : null, subs);
      });
      conn.on("state", (view, info) => {
        if (view.phase === "over") return finish(info.matchId, view.winner, view.seats);
        if (view.phase !== "playing" || view.turn !== mark) return;
        const cell = SCRIPT[mark].find((c) => view.board[c] === "");
        // Sent once: after a drop the SDK re-sends what the room has not applied.
        if (cell !== undefined && !sent.has(cell)) {
          sent.add(cell);
          conn.send({ type: "place", cell });
        }
      });
      conn.on("status", (status) => {
        if (status === "offline") droppedAt ??= Date.now();
        if (status !== "joined" || droppedAt === null) return;
        droppedAt = null;
        this.record.resumes.push({ playerId, at: Date.now() });
        if (conn.seat !== seat || conn.playerId !== playerId) {
          this.record.failures.push(`${playerId} resumed in seat ${conn.seat} as ${conn.playerId}, not seat ${seat}`);
        }
      });
      conn.on("close", (reason) => {
        clearTimeout(timer);
        this.record.failures.push(`${playerId} in ${conn.roomId} closed for good: ${reason.code} ${reason.reason}`);
        resolve();
      });
    });
  }

  #noteFinished(roomId: string, matchId: string, winnerId: string | null, subs: { X: string; O: string }): void {
    const known = this.record.finished.find((m) => m.roomId === roomId);
    if (known) {
      if (known.matchId !== matchId) this.record.failures.push(`room ${roomId} reported matches ${known.matchId} and ${matchId}`);
      return;
    }
    if (winnerId !== subs.X) this.record.failures.push(`match ${matchId} in ${roomId} won by ${winnerId}, not by X (${subs.X})`);
    this.record.finished.push({ roomId, matchId, winnerId, players: [subs.X, subs.O] });
  }
}

/** What storage holds for one finished match: its winner's score on each board, and its replays. */
export interface MatchExports {
  scores: number[];
  replays: number;
  isReplayReadable: boolean;
}

export async function readMatchExports(baseUrl: string, match: FinishedMatch): Promise<MatchExports> {
  const scores: number[] = [];
  for (const board of BOARDS) {
    if (match.winnerId === null) continue;
    const response = await fetch(`${baseUrl}/v1/leaderboards/${board}?around=${encodeURIComponent(match.winnerId)}&limit=5`);
    if (!response.ok) throw new Error(`leaderboard ${board}: HTTP ${response.status}`);
    const page = (await response.json()) as { entries: { playerId: string; score: number }[] };
    scores.push(page.entries.find((e) => e.playerId === match.winnerId)?.score ?? 0);
  }
  const listing = await fetch(`${baseUrl}/v1/replays/tictactoe/${match.roomId}`);
  if (!listing.ok) throw new Error(`replay list: HTTP ${listing.status}`);
  const { matches } = (await listing.json()) as { matches: { matchId: string }[] };
  const replays = matches.filter((m) => m.matchId === match.matchId).length;
  let isReplayReadable = false;
  if (replays > 0) {
    const replay = await fetch(`${baseUrl}/v1/replays/tictactoe/${match.roomId}/${match.matchId}`);
    const body = replay.ok ? ((await replay.json()) as { header?: { matchId?: string } }) : null;
    isReplayReadable = body?.header?.matchId === match.matchId;
  }
  // Any other stored match in a room that played one match is a duplicate too.
  return { scores, replays: replays + (matches.length - replays), isReplayReadable };
}

/** Exactly once: the winner scored 1 on each board (an `incr` board counts a re-applied write twice), one replay. */
export function isExactlyOnce(exports: MatchExports, match: FinishedMatch): boolean {
  const expectedBoards = match.winnerId === null ? 0 : BOARDS.length;
  return exports.scores.length === expectedBoards && exports.scores.every((s) => s === 1) && exports.replays === 1 && exports.isReplayReadable;
}
