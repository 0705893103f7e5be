/**
 * The decoders (and encoders) the client SDK runs, written without zod so a browser page does not ship it: zod's
 * runtime was 20 of the 32 kB gzip the SDK added to a page (issue 15), and the SDK's budget is 15 kB.
 * The zod schemas in control.ts, gameMessages.ts, errors.ts, rooms.ts and leaderboards.ts stay the contract: the
 * types here are theirs (`import type`), and protocol/clientWire.test.ts feeds the same valid and
 * broken messages to both and requires the same answers, so the two cannot drift apart unnoticed.
 * Like zod's objects, a checked object keeps only the keys its shape names.
 *
 * This file and the zod-free modules it imports are all the SDK takes from protocol/ at run time.
 */
import type { ClientControl, ServerControl, ParseResult } from "./control.ts";
import type { ErrorBody } from "./errors.ts";
import type { ClientGameMessage, ServerGameMessage } from "./gameMessages.ts";
import type { LeaderboardPage } from "./leaderboards.ts";
import { ROOM_ID_PATTERN } from "./roomIdPattern.ts";

export { ROOM_ID_RULE } from "./roomIdPattern.ts";

/** A check returns the value it accepts (objects rebuilt with their shape's keys), or FAIL. */
const FAIL = Symbol("fail");
type Check = (value: unknown) => unknown;

const string: Check = (v) => (typeof v === "string" ? v : FAIL);
const number: Check = (v) => (typeof v === "number" && Number.isFinite(v) ? v : FAIL);
const boolean: Check = (v) => (typeof v === "boolean" ? v : FAIL);
const int: Check = (v) => (Number.isSafeInteger(v) ? v : FAIL);
const nonNegativeInt: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? v : FAIL);
const unknown: Check = (v) => v;
const oneOf = (...values: readonly string[]): Check => (v) => (typeof v === "string" && values.includes(v) ? v : FAIL);
const nullable = (check: Check): Check => (v) => (v === null ? null : check(v));
/** Marks a key that may be absent (or undefined), like zod's `.optional()`. */
const optional = (check: Check): Check & { optional: true } => Object.assign((v: unknown) => (v === undefined ? undefined : check(v)), { optional: true as const });
const array = (check: Check): Check => (v) => {
  if (!Array.isArray(v)) return FAIL;
  const out: unknown[] = [];
  for (const item of v) {
    const checked = check(item);
    if (checked === FAIL) return FAIL;
    out.push(checked);
  }
  return out;
};
const record = (check: Check): Check => (v) => {
  if (!isPlainObject(v)) return FAIL;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(v)) {
    const checked = check(item);
    if (checked === FAIL) return FAIL;
    out[key] = checked;
  }
  return out;
};
const object = (shape: Record<string, Check>): Check => (v) => {
  if (!isPlainObject(v)) return FAIL;
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) {
    const present = Object.hasOwn(v, key);
    // As in zod 4, a key is required unless marked optional, even one whose value may be anything.
    if (!present && !("optional" in check)) return FAIL;
    const checked = check(v[key]);
    if (checked === FAIL) return FAIL;
    if (present || checked !== undefined) out[key] = checked;
  }
  return out;
};
/** Objects told apart by their `type` literal, like zod's `discriminatedUnion("type", ...)`. */
const byType = (shapes: Record<string, Record<string, Check>>): Check => {
  const checks = new Map(Object.entries(shapes).map(([type, shape]) => [type, object({ type: string, ...shape })]));
  return (v) => {
    const type = isPlainObject(v) ? v.type : undefined;
    const check = typeof type === "string" && Object.hasOwn(shapes, type) ? checks.get(type) : undefined;
    return check ? check(v) : FAIL;
  };
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function decodeJson<T>(check: Check, text: string): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const value = check(raw);
  return value === FAIL ? { ok: false, error: "not a message this client knows" } : { ok: true, value: value as T };
}

const ServerControlCheck = byType({
  welcome: { protocol: int, connectionId: string, role: oneOf("editor", "viewer") },
  saved: { seq: nonNegativeInt },
  refused: { seq: nonNegativeInt, reason: oneOf("read_only", "locked") },
  system: { message: string },
});

const MatchResultCheck = object({ isOver: boolean, scores: record(number), winners: array(string) });
const PatchOpCheck: Check = (v) => (Array.isArray(v) && (v.length === 1 || v.length === 2) && array(string)(v[0]) !== FAIL ? (v.length === 1 ? [v[0]] : [v[0], v[1]]) : FAIL);

const ServerGameMessageCheck = byType({
  welcome: {
    protocol: int,
    role: oneOf("player", "spectator"),
    playerId: string,
    seat: nullable(int),
    resumeToken: nullable(string),
    tickRateHz: number,
    wire: optional(oneOf("json", "binary", "binary2")),
    // A room id, as the client builds its reconnect URL from it.
    roomId: optional((v) => (isRoomId(v) ? v : FAIL)),
    matchId: nullable(string),
    tick: int,
    ack: int,
    view: unknown,
  },
  full: { matchId: nullable(string), tick: int, ack: int, view: unknown },
  delta: { tick: int, ack: int, patch: array(PatchOpCheck) },
  events: { tick: int, events: array(unknown) },
  match_over: { matchId: string, result: MatchResultCheck, reason: optional(oneOf("finished", "entry_limit", "idle")) },
  error: { code: oneOf("invalid_input", "rate_limited", "spectator", "bad_message"), message: string, seq: optional(int) },
  pong: { t: number },
  probe: {},
  system: { message: string },
});

const ErrorBodyCheck = object({ error: object({ code: string, message: string }) });
const MatchAnswerCheck = object({ roomId: (v) => (isRoomId(v) ? v : FAIL), region: string });
const LeaderboardPageCheck = object({
  board: string,
  period: string,
  entries: array(object({ rank: number, playerId: string, score: number })),
  nextCursor: nullable(string),
});

/** A doc room's control message (control.ts ServerControl), or why not. */
export const decodeServerControlLean = (text: string): ParseResult<ServerControl> => decodeJson(ServerControlCheck, text);
/** A game room's message (gameMessages.ts ServerGameMessage), or why not. */
export const decodeServerGameMessageLean = (text: string): ParseResult<ServerGameMessage> => decodeJson(ServerGameMessageCheck, text);

/** The service's HTTP error body (errors.ts ErrorBody), or null. */
export function readErrorBody(value: unknown): ErrorBody | null {
  const checked = ErrorBodyCheck(value);
  return checked === FAIL ? null : (checked as ErrorBody);
}

/** The matchmaker's answer, `{ roomId, region }`, or null. */
export function readMatchAnswer(value: unknown): { roomId: string; region: string } | null {
  const checked = MatchAnswerCheck(value);
  return checked === FAIL ? null : (checked as { roomId: string; region: string });
}

/** A page of a leaderboard (leaderboards.ts LeaderboardPage), or null. */
export function readLeaderboardPage(value: unknown): LeaderboardPage | null {
  const checked = LeaderboardPageCheck(value);
  return checked === FAIL ? null : (checked as LeaderboardPage);
}

export function isRoomId(value: unknown): value is string {
  return typeof value === "string" && ROOM_ID_PATTERN.test(value);
}

/** The same JSON as control.ts encodeClientControl and gameMessages.ts encodeGameMessage. */
export const encodeClientControlLean = (message: ClientControl): string => JSON.stringify(message);
export const encodeClientGameMessageLean = (message: ClientGameMessage): string => JSON.stringify(message);
