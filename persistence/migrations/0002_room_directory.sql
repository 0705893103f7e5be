-- The room directory: one row per room, reported by the rooms themselves (throttled, via their outboxes).
CREATE TABLE IF NOT EXISTS room_directory (
  room TEXT PRIMARY KEY,            -- room path: doc/{roomId} or game/{gameName}/{roomId}
  kind TEXT NOT NULL,               -- doc | game
  game TEXT,
  room_id TEXT NOT NULL,
  connections INTEGER NOT NULL,
  location_hint TEXT,
  created_at INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL,
  storage_bytes INTEGER NOT NULL,
  is_locked INTEGER NOT NULL DEFAULT 0,
  stats TEXT NOT NULL,              -- JSON counters for metrics
  reported_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS room_directory_by_activity ON room_directory (last_active_at DESC, room);
CREATE INDEX IF NOT EXISTS room_directory_by_kind ON room_directory (kind, game, last_active_at DESC, room);
