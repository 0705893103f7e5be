import { useCallback, useEffect, useRef, useState } from "react";
import type { LeaderboardEntry } from "@edgeroom/client";
import { useClient } from "./context.ts";

export interface UseLeaderboardOptions {
  /** Entries to show, 1 to 100 (the service's default is 20). */
  limit?: number;
  /** A period key such as `2026-11-23` or `2026-W48`; the current period when omitted. */
  period?: string;
  /** Reads the board again this often, in ms; never when omitted. Pages are cached at the edge for 10 s. */
  refreshMs?: number;
}

export interface UseLeaderboardResult {
  entries: LeaderboardEntry[];
  /** `loading` until the first page arrives; `error` when the last read failed (the last good entries stay). */
  status: "loading" | "ready" | "error";
  error: Error | null;
  /** Reads the board now; resolves when the new page (or error) is in. */
  refresh(): Promise<void>;
}

/**
 * The top of a leaderboard (`{game}.{board}`), read when mounted, every `refreshMs`, and on `refresh()`.
 *
 * @example
 * ```tsx
 * function Top() {
 *   const { entries, status } = useLeaderboard("tictactoe.wins", { limit: 10, refreshMs: 15_000 });
 *   if (status === "loading") return <p>Loading…</p>;
 *   return <ol>{entries.map((e) => <li key={e.playerId}>{e.playerId}: {e.score}</li>)}</ol>;
 * }
 * ```
 */
export function useLeaderboard(board: string, options: UseLeaderboardOptions = {}): UseLeaderboardResult {
  const client = useClient();
  const { limit, period, refreshMs } = options;
  const [state, setState] = useState<Omit<UseLeaderboardResult, "refresh">>({ entries: [], status: "loading", error: null });
  /** Answers of reads started before the latest one are dropped, so a slow old page never replaces a newer one. */
  const latestRead = useRef(0);

  const refresh = useCallback(async () => {
    const read = ++latestRead.current;
    try {
      const page = await client.leaderboard(board, { limit, period });
      if (read === latestRead.current) setState({ entries: page.entries, status: "ready", error: null });
    } catch (error) {
      if (read === latestRead.current) setState((previous) => ({ ...previous, status: "error", error: error instanceof Error ? error : new Error(String(error)) }));
    }
  }, [client, board, limit, period]);

  useEffect(() => {
    void refresh();
    if (refreshMs === undefined) return () => void latestRead.current++;
    const timer = setInterval(() => void refresh(), refreshMs);
    return () => {
      clearInterval(timer);
      latestRead.current++; // an answer after unmount or a change of board is not this board's
    };
  }, [refresh, refreshMs]);

  return { ...state, refresh };
}
