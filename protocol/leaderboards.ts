import { z } from "zod";
import type { MatchResult } from "./gameDefinition.ts";

/**
 * A leaderboard a game declares. `operator` says how a match's score meets the stored one:
 * `best` keeps the better (by `order`), `incr` adds, `set` replaces. `period` resets the board:
 * each daily or weekly period has its own key.
 */
export interface BoardDefinition {
  name: string;
  operator: "best" | "incr" | "set";
  order: "desc" | "asc";
  period: "all" | "daily" | "weekly";
  /** This player's score from one match, or null for no entry. */
  score(result: MatchResult, playerId: string): number | null;
}

/** Board ids are `{gameName}.{boardName}`. */
export const BoardId = z.string().regex(/^[a-z0-9_-]{1,32}\.[a-z0-9_-]{1,32}$/, "board ids look like arena.gems");

/** The key of the period that `epochMs` falls in: `all`, `2026-11-23` (UTC day) or `2026-W48` (ISO week). */
export function periodKey(period: BoardDefinition["period"], epochMs: number): string {
  if (period === "all") return "all";
  const date = new Date(epochMs);
  if (period === "daily") return date.toISOString().slice(0, 10);
  // ISO 8601 week: the week with the year's first Thursday is week 1.
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

const PERIOD_KEY_PATTERN = { all: /^all$/, daily: /^\d{4}-\d{2}-\d{2}$/, weekly: /^\d{4}-W\d{2}$/ } as const;

export function isPeriodKey(period: BoardDefinition["period"], key: string): boolean {
  return PERIOD_KEY_PATTERN[period].test(key);
}

export interface LeaderboardRow {
  rank: number;
  playerId: string;
  score: number;
}

export const LeaderboardPage = z.object({
  board: z.string(),
  period: z.string(),
  entries: z.array(z.object({ rank: z.number(), playerId: z.string(), score: z.number() })),
  nextCursor: z.string().nullable(),
});
export type LeaderboardPage = z.infer<typeof LeaderboardPage>;
