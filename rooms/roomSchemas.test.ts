import { DatabaseSync } from "node:sqlite";
import { describe, it } from "vitest";
import { migrateContract } from "../persistence/migrate.contract.ts";
import { nodeSqlite } from "../persistence/nodeSqlite.ts";
import { ROOM_SCHEMAS } from "./roomSchemas.ts";

describe("room schemas on node:sqlite", () => {
  for (const [name, check] of Object.entries(migrateContract)) it(name, () => check(nodeSqlite(new DatabaseSync(":memory:")).sql, ROOM_SCHEMAS));
});
