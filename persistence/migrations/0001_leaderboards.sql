-- Leaderboards: one row per board, period and player. Scores are written by room outboxes.
CREATE TABLE IF NOT EXISTS leaderboard_entry (
  board TEXT NOT NULL,
  period_key TEXT NOT NULL,
  player_id TEXT NOT NULL,
  score REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (board, period_key, player_id)
);
-- Pages and ranks walk (board, period, score, player) in order.
CREATE INDEX IF NOT EXISTS leaderboard_entry_by_score ON leaderboard_entry (board, period_key, score, player_id);

-- Idempotency keys of applied writes: a retried write with the same key changes nothing.
CREATE TABLE IF NOT EXISTS leaderboard_applied (
  key TEXT PRIMARY KEY,
  applied_at INTEGER NOT NULL
);
