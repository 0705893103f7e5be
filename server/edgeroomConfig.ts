import { z } from "zod";
import type { AnyGame } from "../protocol/gameDefinition.ts";
import { BoardId } from "../protocol/leaderboards.ts";
import type { EventHooks } from "../rooms/events.ts";
import { MIN_SECRET_BYTES } from "./secretLength.ts";

/**
 * Seats one game room may have: a room runs every player's inputs and views on one Durable Object,
 * and past a thousand the per-tick fan-out no longer fits a tick (the shipped crowd game seats 100).
 */
export const MAX_SEATS_PER_ROOM = 1000;
/**
 * Fastest tick a game may ask for, in ticks per second: each tick builds and sends every player's view,
 * and a client sends at most GameLimits.MESSAGES_PER_SECOND (60) inputs, so a faster tick only burns CPU.
 */
export const MAX_TICK_RATE_HZ = 60;

/** The identity an `authorize` hook vouches for: what a token's claims would say. */
export interface EdgeroomIdentity {
  /** The user, as a token's `sub`: 1-128 characters. */
  sub: string;
  /** A display name: 1-64 characters. */
  name?: string;
  /** `editor` or `viewer` in document rooms, `player` or `spectator` in game rooms. */
  role: string;
  /** The rooms this identity may open, as a token's `room` claim (`doc/notes-1`, `doc/*`, `*`); default: the room asked for. */
  room?: string;
}

/** Replaces the JWT check: an identity to admit, or null to answer 401. */
export type AuthorizeHook = (request: Request, env: Env) => Promise<EdgeroomIdentity | null> | EdgeroomIdentity | null;

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((value) => typeof value === "function", { message: `must be a function (${what})` });
const positiveInteger = (what: string) =>
  z.number({ message: `must be a whole number >= 1 (${what})` }).int({ message: `must be a whole number >= 1 (${what})` }).min(1, { message: `must be a whole number >= 1 (${what})` });

const GameName = /^[a-z0-9_-]{1,32}$/;
const BoardName = /^[a-z0-9_-]{1,32}$/;

const BoardSchema = z.strictObject(
  {
    name: z.string().regex(BoardName, { message: "must be 1-32 characters of a-z, 0-9, _ and - (board ids are {game}.{board})" }),
    operator: z.enum(["best", "incr", "set"], { message: 'must be "best", "incr" or "set"' }),
    order: z.enum(["desc", "asc"], { message: 'must be "desc" or "asc"' }),
    period: z.enum(["all", "daily", "weekly"], { message: 'must be "all", "daily" or "weekly"' }),
    score: fn("(result, playerId) => number | null"),
  },
  { message: "must be a board { name, operator, order, period, score }" },
);

const GameSchema = z.object(
  {
    name: z.string({ message: "must be a string" }).regex(GameName, { message: "must be 1-32 characters of a-z, 0-9, _ and - (it is a URL segment)" }),
    version: z.string({ message: "must be a non-empty string such as 1.0.0" }).min(1, { message: "must be a non-empty string such as 1.0.0" }),
    input: z.custom<z.ZodType>((value) => value instanceof z.ZodType || typeof (value as { safeParse?: unknown } | null)?.safeParse === "function", {
      message: "must be a zod schema for the game's inputs",
    }),
    maxPlayers: z
      .number({ message: `must be a whole number from 1 to ${MAX_SEATS_PER_ROOM}` })
      .int({ message: `must be a whole number from 1 to ${MAX_SEATS_PER_ROOM}` })
      .min(1, { message: `must be a whole number from 1 to ${MAX_SEATS_PER_ROOM}` })
      .max(MAX_SEATS_PER_ROOM, { message: `must be a whole number from 1 to ${MAX_SEATS_PER_ROOM}` }),
    tickRateHz: z
      .number({ message: `must be a number of ticks per second above 0, at most ${MAX_TICK_RATE_HZ}` })
      .gt(0, { message: `must be a number of ticks per second above 0, at most ${MAX_TICK_RATE_HZ}` })
      .max(MAX_TICK_RATE_HZ, { message: `must be a number of ticks per second above 0, at most ${MAX_TICK_RATE_HZ}` }),
    realtime: z.boolean({ message: "must be true or false" }).optional(),
    setup: fn("(seed, players) => state"),
    onJoin: fn("(state, playerId, ctx) => void"),
    onLeave: fn("(state, playerId, ctx) => void"),
    onInput: fn("(state, playerId, input, ctx) => void"),
    onTick: fn("(state, dtMs, ctx) => void"),
    view: fn("(state, playerId) => view"),
    result: fn("(state) => { isOver, scores, winners }"),
    boards: z.array(BoardSchema, { message: "must be an array of boards" }).optional(),
  },
  { message: "must be a game definition (see defineGame)" },
);

const Origin = z.string().refine((value) => value === "*" || isOrigin(value), {
  message: 'must be "*" or an origin such as https://example.com (scheme, host and port only, no path)',
});

/** The shape createEdgeroom accepts, checked when the Worker starts. Unknown keys are refused, so a typo is named. */
export const EdgeroomConfigSchema = z.strictObject(
  {
    games: z
      .array(GameSchema, { message: "must be an array of game definitions (may be empty)" })
      .superRefine((games, ctx) => {
        const seen = new Set<string>();
        games.forEach((game, index) => {
          if (seen.has(game.name)) ctx.addIssue({ code: "custom", path: [index, "name"], message: `"${game.name}" is used by two games: names must be unique` });
          seen.add(game.name);
          const boards = new Set<string>();
          game.boards?.forEach((board, boardIndex) => {
            if (boards.has(board.name)) ctx.addIssue({ code: "custom", path: [index, "boards", boardIndex, "name"], message: `"${board.name}" is used by two boards of this game` });
            else if (!BoardId.safeParse(`${game.name}.${board.name}`).success) ctx.addIssue({ code: "custom", path: [index, "boards", boardIndex, "name"], message: "is not a valid board name" });
            boards.add(board.name);
          });
        });
      }),
    auth: z.strictObject({ authorize: fn("(request, env) => Promise<{ sub, name?, role, room? } | null>").optional() }, { message: "must be { authorize? }" }).optional(),
    origins: z.array(Origin, { message: 'must be an array of origins (or ["*"])' }).min(1, { message: "must list at least one origin; leave origins out to use ALLOWED_ORIGINS" }).optional(),
    limits: z
      .strictObject(
        {
          maxConnectionsPerSub: positiveInteger("live connections one user may hold in one room").optional(),
          publicRequestsPerMinute: positiveInteger("requests per minute per client address").optional(),
          roomCreationsPerMinute: positiveInteger("new rooms per minute per user").optional(),
        },
        { message: "must be { maxConnectionsPerSub?, publicRequestsPerMinute?, roomCreationsPerMinute? }" },
      )
      .optional(),
    hooks: z
      .strictObject(
        {
          onMatchEnd: fn("(event, env) => void | Promise<void>").optional(),
          onDocumentVersion: fn("(event, env) => void | Promise<void>").optional(),
          onRoomDeleted: fn("(event, env) => void | Promise<void>").optional(),
        },
        { message: "must be { onMatchEnd?, onDocumentVersion?, onRoomDeleted? }" },
      )
      .optional(),
    webhook: z
      .strictObject(
        {
          url: z.string().refine(isHttpUrl, { message: "must be an http: or https: URL" }),
          secret: z.string({ message: `must be a string of at least ${MIN_SECRET_BYTES} bytes` }).refine((value) => new TextEncoder().encode(value).byteLength >= MIN_SECRET_BYTES, {
            message: `must be at least ${MIN_SECRET_BYTES} bytes (for example: openssl rand -base64 32)`,
          }),
        },
        { message: "must be { url, secret }" },
      )
      .optional(),
  },
  { message: "must be an object { games, auth?, origins?, limits?, hooks?, webhook? }" },
);

/** A config that passed EdgeroomConfigSchema; `games` are the caller's own objects (their methods may use `this`). */
export interface CheckedConfig {
  games: readonly AnyGame[];
  authorize: AuthorizeHook | undefined;
  origins: readonly string[] | undefined;
  limits: z.infer<typeof EdgeroomConfigSchema>["limits"];
  hooks: EventHooks | undefined;
  webhook: z.infer<typeof EdgeroomConfigSchema>["webhook"];
}

/**
 * Checks a config, throwing one Error that names each wrong field by its path (`games[1].tickRateHz`)
 * and what it allows. Unknown keys are named too (`orgins` is not a field: allowed are ...).
 */
export function checkConfig(config: unknown): CheckedConfig {
  const parsed = EdgeroomConfigSchema.safeParse(config);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, MAX_REPORTED_ISSUES).map(describeIssue);
    const more = parsed.error.issues.length - lines.length;
    throw new Error(`Invalid Edgeroom config:\n${lines.map((line) => `  - ${line}`).join("\n")}${more > 0 ? `\n  - and ${more} more` : ""}`);
  }
  const source = config as { games: AnyGame[]; auth?: { authorize?: AuthorizeHook }; hooks?: EventHooks };
  return {
    games: [...source.games],
    authorize: source.auth?.authorize,
    origins: parsed.data.origins,
    limits: parsed.data.limits,
    hooks: source.hooks,
    webhook: parsed.data.webhook,
  };
}

/** Issues listed in one error; a config wrong everywhere says so without a page of text. */
const MAX_REPORTED_ISSUES = 10;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(issue.path);
    const keys = issue.keys.map((key) => `"${key}"`).join(", ");
    return `${path || "config"}: unknown field ${keys}${allowed ? `; allowed: ${allowed.join(", ")}` : ""}`;
  }
  return `${path || "config"} ${issue.message}`;
}

/** `games[1].boards[0].name` from zod's ["games", 1, "boards", 0, "name"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join("");
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] | null {
  let schema: z.ZodType = EdgeroomConfigSchema;
  for (const part of path) {
    const inner: z.ZodType = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    if (inner instanceof z.ZodObject) schema = inner.shape[String(part)] as z.ZodType;
    else if (inner instanceof z.ZodArray) schema = inner.element as z.ZodType;
    else return null;
    if (!schema) return null;
  }
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : null;
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === "http:" || protocol === "https:";
}

/** Scheme, host and an optional port: what a browser sends as `Origin`. */
function isOrigin(value: string): boolean {
  if (!isHttpUrl(value)) return false;
  const url = new URL(value);
  return url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && !value.endsWith("/");
}
