// Direct imports, not persistence/index.ts: Node code (the schema test, a Node host) reads this
// file without the Workers types the rest of persistence/ needs.
import { DIRECTORY_REPORT_MIGRATIONS } from "../persistence/directoryState.ts";
import { DOC_VERSIONS_MIGRATIONS } from "../persistence/docVersions.ts";
import type { MigrationStep, StoreName } from "../persistence/migrate.ts";
import { OUTBOX_MIGRATIONS } from "../persistence/outbox.ts";
import { TELEMETRY_MIGRATIONS } from "../persistence/roomCounters.ts";
import { ROOM_META_MIGRATIONS } from "../persistence/roomMeta.ts";
import { DOC_STORE_MIGRATIONS } from "../persistence/sqliteDocStore.ts";
import { GAME_STORE_MIGRATIONS } from "../persistence/sqliteGameStore.ts";
import { MATCHMAKER_MIGRATIONS } from "./game/matchmakerSchema.ts";

/**
 * Every store that keeps tables in a room's (or the matchmaker's) SQLite, with its migrations: what a
 * host that opens databases itself (the Node adapter) or a test of the schemas walks. Each store still
 * migrates its own tables when it is made.
 */
export const ROOM_SCHEMAS: Readonly<Record<StoreName, readonly MigrationStep[]>> = {
  doc_store: DOC_STORE_MIGRATIONS,
  doc_versions: DOC_VERSIONS_MIGRATIONS,
  game_store: GAME_STORE_MIGRATIONS,
  room_meta: ROOM_META_MIGRATIONS,
  outbox: OUTBOX_MIGRATIONS,
  telemetry: TELEMETRY_MIGRATIONS,
  directory_report: DIRECTORY_REPORT_MIGRATIONS,
  matchmaker: MATCHMAKER_MIGRATIONS,
};
