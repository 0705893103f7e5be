import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { migrateContract } from "../../persistence/migrate.contract.ts";
import type { SqlExec } from "../../persistence/index.ts";
import { ROOM_SCHEMAS } from "../../rooms/roomSchemas.ts";

/** A room's database with none of our tables: what a room stored before a store existed looks like to it. */
function dropOurTables(sql: SqlExec): SqlExec {
  const tables = sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")
    .toArray();
  for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`);
  return sql;
}

describe("room schemas on DO SQLite", () => {
  let n = 0;
  for (const [name, check] of Object.entries(migrateContract)) {
    it(name, () => runInDurableObject(env.DocRoom.getByName(`schemas-${n++}`), (_room, state) => check(dropOurTables(state.storage.sql), ROOM_SCHEMAS)));
  }
});
