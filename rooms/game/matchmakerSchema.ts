import { addColumn, addColumnIfMissing } from "../../persistence/migrate.ts";
import type { SqlExec } from "../../persistence/sql.ts";

// The matchmaker's tables, apart from its Durable Object so Node code and tests can read them.

/** `sub` came later: a matchmaker made before it gets the column (its old rows, NULL, simply expire). */
const RESERVATION_SUB = addColumn("mm_reservation", "sub", "TEXT");
export function addReservationSub(sql: SqlExec): void {
  const { table, column, type } = RESERVATION_SUB.addColumn;
  addColumnIfMissing(sql, table, column, type);
}

export const MATCHMAKER_MIGRATIONS = [
  [
    `CREATE TABLE IF NOT EXISTS mm_room (
      room_id TEXT PRIMARY KEY, is_private INTEGER NOT NULL, taken INTEGER NOT NULL,
      max_players INTEGER NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS mm_reservation (
      id INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL, expires_at INTEGER NOT NULL, sub TEXT)`,
    RESERVATION_SUB,
    "CREATE INDEX IF NOT EXISTS mm_reservation_by_room ON mm_reservation (room_id, expires_at)",
    // Listings read public rooms only; collection reads empty rooms by age; expiry reads reservations by time.
    "CREATE INDEX IF NOT EXISTS mm_room_by_privacy ON mm_room (is_private, created_at)",
    "CREATE INDEX IF NOT EXISTS mm_room_unheld ON mm_room (taken, created_at)",
    "CREATE INDEX IF NOT EXISTS mm_reservation_by_expiry ON mm_reservation (expires_at)",
  ],
] as const;

/**
 * How many of a room's taken seats are held for a player whose connection dropped (the room's report
 * says). Added where missing each time a matchmaker starts, not as a migration step: older code ignores
 * the column, and its rows are refreshed by the rooms' next reports, whereas a step would make older code
 * refuse the database (`migrate`), so a rolled-back deploy would answer every quick join with a 500.
 */
export function addRoomHeld(sql: SqlExec): void {
  addColumnIfMissing(sql, "mm_room", "held", "INTEGER NOT NULL DEFAULT 0");
}
