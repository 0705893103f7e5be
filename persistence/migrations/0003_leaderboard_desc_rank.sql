-- Boards ranked high-to-low walk (score DESC, player_id ASC). 0001's index runs the other way
-- for player ids within a score, so a page of a desc board had to sort each tie it touched; with
-- this index a page reads its `limit` entries straight from the index, at any depth.
CREATE INDEX IF NOT EXISTS leaderboard_entry_by_score_desc ON leaderboard_entry (board, period_key, score DESC, player_id);
