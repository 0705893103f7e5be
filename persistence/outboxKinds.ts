/**
 * Every kind of outbox entry, declared once. The kind strings are stored in DO SQLite rows (outbox.kind):
 * rooms read back rows written by earlier deploys, so a kind is never renamed, only added.
 *
 * The payload is TEXT on disk and a string here: each kind's deliverer parses it (zod for JSON), as for any
 * data read back from storage, so the type says what the text holds rather than claiming it was checked.
 */
export interface OutboxPayloads {
  /** JSON of a DirectoryReport (protocol/directory.ts), for D1's room directory. */
  directory: string;
  /** JSON of the match's LeaderboardWrite[], for D1. */
  leaderboard: string;
  /** The match id whose replay goes to R2. */
  replay: string;
  /** The version id whose snapshot goes to R2. */
  doc_version: string;
  /** Comma-separated version ids whose R2 snapshots are deleted. */
  doc_version_prune: string;
  /** JSON of a RoomEvent (protocol/events.ts), for the configured hook. */
  event_hook: string;
  /** JSON of a RoomEvent, POSTed as it is to the webhook (the signature covers these bytes). */
  event_webhook: string;
}

export type OutboxKind = keyof OutboxPayloads;

/**
 * An outbox row of kind K; for a union of kinds, the union of their rows (the conditional distributes),
 * discriminated by `kind` so that a `switch (entry.kind)` narrows and can be exhaustive.
 */
export type OutboxEntryOf<K extends OutboxKind> = K extends OutboxKind
  ? { id: number; kind: K; key: string; payload: OutboxPayloads[K]; attempts: number }
  : never;

/** An outbox row of any kind. */
export type OutboxEntry = OutboxEntryOf<OutboxKind>;

/** Entries a document room writes and delivers itself (rooms/doc/docHistory.ts). */
export type DocExportKind = "doc_version" | "doc_version_prune";
/** Entries a game room writes at a match's end and delivers itself (rooms/game/matchExports.ts). */
export type MatchExportKind = "leaderboard" | "replay";
/** What a room kind delivers through its own `deliver`; the directory and room events are common to both. */
export type RoomExportEntry = OutboxEntryOf<DocExportKind | MatchExportKind>;

/**
 * The error for a row whose kind the code does not handle. Call it in an exhaustive switch's default,
 * after `const never: never = entry` (which fails to compile when a kind has no case): at run time it is
 * reached only by a row of a kind this code does not know, which then fails and is retried, visible in lastError.
 */
export function unknownOutboxKind(entry: { kind: string }): Error {
  return new Error(`unknown outbox entry kind "${entry.kind}"`);
}
