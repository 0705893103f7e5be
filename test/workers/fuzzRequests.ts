// Fuzzed HTTP requests for every route of server/app.ts, server/routes/* and server/admin/routes.ts.
// Each generated part (a path segment, a query key, a body) says what it deserves: "ok" when it
// is valid, "4xx" when it is not, "any" when either answer is right (a dot segment the URL parser
// folds away, a repeated key). One invalid part makes the whole request deserve a 4xx.
import { ROOM_ID_PATTERN, Region } from "../../protocol/rooms.ts";
import { periodKey } from "../../protocol/leaderboards.ts";
import { findBoard, findGame, registeredGames } from "../../rooms/game/registry.ts";
// The Worker fills the game registry when its module is evaluated; make sure it is before the registry is read.
import "../../server/index.ts";
import { encodeCursor } from "../../server/cursor.ts";
import { BASE } from "./helpers.ts";
import { type Expect, type Gen, combine, randomJson } from "./fuzzKit.ts";

/** The rooms, tokens and update the fuzz needs to reach past auth and existence checks. */
export interface FuzzWorld {
  docToken: string;
  playerToken: string;
  spectatorToken: string;
  adminDoc: string;
  adminGame: string;
  /** Rooms only DELETE targets, so a purge never turns another route's valid case into a 404. */
  doomedDoc: string;
  doomedGame: string;
  update: Uint8Array;
  /** Signed leaderboard cursors the service issued, each with the `{board}|{period}` it was issued for. */
  leaderboardCursors: Map<string, string>;
}

export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  expect: Expect;
}

/** A part of a request; a marker carries only an expectation (a game room on a document-only route). */
type Part = { text: string; expect: Expect; isMarker?: true };

/** Percent-encodes any text; a lone surrogate cannot travel in a URL, so it becomes U+FFFD first. */
const enc = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"));

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const DOT_SEGMENTS = [".", "..", "%2e%2e"];

/** A path segment: mostly one of `valid`, else crafted (traversal, encoded separators, NUL, unicode, huge, empty). */
function segment(g: Gen, valid: readonly string[], judge: (value: string) => Expect): Part {
  if (g.chance(0.6)) {
    const value = g.pick(valid);
    return { text: encodeURIComponent(value), expect: judge(value) };
  }
  const text = g.pick([
    "..", ".", "%2F", "a%2Fb", "%2e%2e", "%00", "a%00b", "%C3%A9", encodeURIComponent("日本"), encodeURIComponent("😀"), "%F0%9F",
    "x".repeat(65), "y".repeat(1000 + g.int(9000)), "", "%", "%zz", "a%20b", "%3Cscript%3E", "__proto__", "constructor", "toString",
    "a%3Fb%3D1", "%23frag", "-", "_", `r${g.int(1e6)}`, enc(g.text(1 + g.int(30))),
  ]);
  return { text, expect: DOT_SEGMENTS.includes(text) ? "any" : judge(decoded(text)) };
}

const roomIdIs = (value: string): Expect => (ROOM_ID_PATTERN.test(value) ? "ok" : "4xx");
const gameIs = (value: string): Expect => (findGame(value) ? "ok" : "4xx");
const oneOf = (values: readonly string[]) => (value: string): Expect => (values.includes(value) ? "ok" : "4xx");
const never = (): Expect => "4xx";
const GAME_NAMES = registeredGames().map((game) => game.name);

/** A query: `keys` maps each key a route reads to a value generator; other keys are 4xx on strict routes, ignored elsewhere. */
function query(g: Gen, keys: Record<string, (g: Gen) => Part>, isStrict: boolean): Part[] {
  const parts: Part[] = [];
  for (let n = g.int(4); n > 0; n--) {
    const known = Object.keys(keys);
    if (known.length && g.chance(0.75)) {
      const key = g.pick(known);
      const value = keys[key]!(g);
      const isRepeat = parts.some((p) => p.text.startsWith(`${key}=`));
      parts.push({ text: `${key}=${value.text}`, expect: isRepeat ? "any" : value.expect });
    } else {
      const key = g.pick(["x", "__proto__", "constructor", "a[]", "", "%zz", enc(g.text(5)), "cursor", "limit"].filter((k) => !(k in keys) || isStrict));
      const value = g.pick(["", "1", "-1", "NaN", "%", enc(g.text(g.int(20))), "z".repeat(g.int(5000))]);
      // Hono's query parser drops a parameter with an empty name, so even a strict route may take it.
      parts.push({ text: `${key}=${value}`, expect: isStrict && !(key in keys) && key !== "" ? "4xx" : "any" });
    }
  }
  return parts;
}

const limitValue = (max: number) => (g: Gen): Part =>
  g.chance(0.5) ? { text: String(1 + g.int(max)), expect: "ok" } : { text: g.pick(["-1", "0", "NaN", "abc", "1.5", String(max + 1), "1e9", "Infinity", "-0", "", "%00"]), expect: "4xx" };
const cursorValue = (g: Gen): Part =>
  g.chance(0.4)
    ? { text: encodeCursor([g.int(1000) - 500, `p${g.int(1e6)}`]), expect: "ok" }
    : { text: g.pick(["x", "%%%", btoa("[1]"), btoa('{"a":1}'), btoa("[\"x\",1]"), "e".repeat(400), enc(g.text(30))]), expect: "4xx" };
/**
 * A signed cursor the service issued (judged against the request's board and period when the
 * request is built), a forged one in main's old unsigned format, or junk.
 */
const leaderboardCursorValue = (w: FuzzWorld) => (g: Gen): Part => {
  if (g.chance(0.4)) return { text: g.pick([...w.leaderboardCursors.keys()]), expect: "any" };
  if (g.chance(0.3)) return { text: encodeCursor([g.int(1000) - 500, `p${g.int(1e6)}`]), expect: "4xx" };
  const [payload = "", mac = ""] = g.pick([...w.leaderboardCursors.keys()]).split(".");
  return { text: g.pick([payload, `${payload}.`, `.${mac}`, `${payload}.${mac.slice(1)}`, `${mac}.${payload}`, "x", "%%%", "e".repeat(400), enc(g.text(30))]), expect: "4xx" };
};
const regionValue = (g: Gen): Part =>
  g.chance(0.5) ? { text: g.pick(Region.options), expect: "ok" } : { text: g.pick(["", "mars", "WNAM", "enam%00", "x".repeat(300)]), expect: "4xx" };
const text = (min: number, max: number) => (g: Gen): Part => {
  if (g.chance(0.7)) return { text: encodeURIComponent("k".repeat(min + g.int(Math.min(max, 40) - min + 1))), expect: "ok" };
  return { text: encodeURIComponent("k".repeat(max + 1 + g.int(50))), expect: "4xx" };
};

interface Field {
  isRequired: boolean;
  valid: (g: Gen) => unknown;
  invalid: (g: Gen) => unknown;
}
const str = (min: number, max: number, isRequired = true): Field => ({
  isRequired,
  valid: (g) => g.text(min + g.int(Math.min(max, 30) - min + 1)),
  invalid: (g) => g.pick<unknown>(["x".repeat(max + 1), 5, null, [], {}, true, ...(min > 0 ? [""] : [])]),
});
/** A token's `room` claim (protocol/rooms.ts RoomClaim): an exact path, or a wildcard over whole segments at its end. */
const roomClaim: Field = {
  isRequired: true,
  valid: (g) => (g.chance(0.5) ? g.pick(["*", "doc/*", "game/arena/*", "doc/notes-1"]) : g.text(1 + g.int(30)).replace(/[*/]/g, "x")),
  invalid: (g) => g.pick<unknown>(["x".repeat(81), 5, null, [], {}, true, "", "doc/team-1*", "doc*", "doc/*/x", "a//b"]),
};

/** A JSON body from `fields`: valid values, wrong types, missing or extra keys, non-JSON, or over `maxBytes`. */
function jsonBody(g: Gen, fields: Record<string, Field>, maxBytes: number, opts: { isStrict: boolean; refine?: (o: Record<string, unknown>) => boolean }): Part {
  switch (g.int(12)) {
    case 0:
      return { text: g.pick(["", "{", "nul", "[1,", "{'a':1}", g.text(g.int(50)), "\u0000"]), expect: "4xx" };
    case 1:
      return { text: JSON.stringify(randomJson(g)) ?? "null", expect: "any" };
    case 2:
      return { text: JSON.stringify({ pad: "p".repeat(maxBytes + g.int(maxBytes * 4)) }), expect: "4xx" };
  }
  const body: Record<string, unknown> = {};
  const parts: Expect[] = [];
  for (const [name, field] of Object.entries(fields)) {
    if (!field.isRequired && g.chance(0.5)) continue;
    if (field.isRequired && g.chance(0.05)) {
      parts.push("4xx");
      continue;
    }
    const isValid = g.chance(0.8);
    body[name] = isValid ? field.valid(g) : field.invalid(g);
    parts.push(isValid ? "ok" : "4xx");
  }
  if (g.chance(0.1)) {
    // An own "__proto__" key travels in the JSON; whether a parser sees it as a key is its business.
    const key = g.pick(["extra", "constructor", "__proto__"]);
    Object.defineProperty(body, key, { value: randomJson(g), enumerable: true, writable: true, configurable: true });
    parts.push(opts.isStrict && key !== "__proto__" ? "4xx" : "any");
  }
  if (opts.refine && !opts.refine(body)) parts.push("4xx");
  const text = JSON.stringify(body);
  return { text, expect: text.length > maxBytes ? "4xx" : combine(parts) };
}

const CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "garbage/x;;=", ""];

type Token = "doc" | "player";
type RouteSpec = {
  name: string;
  method: "GET" | "POST" | "DELETE";
  path: (g: Gen, w: FuzzWorld) => Part[];
  query?: (g: Gen, w: FuzzWorld) => Part[];
  body?: (g: Gen, w: FuzzWorld) => Part;
  token?: Token;
  /** Without an Upgrade header a socket route answers 426. */
  isSocket?: boolean;
};

const lit = (text: string): Part => ({ text, expect: "ok" });
const placementQuery = (g: Gen) => query(g, { region: regionValue }, false);
const ignoredQuery = (g: Gen) => query(g, {}, false);

export const PUBLIC_ROUTES: RouteSpec[] = [
  { name: "GET /v1/health", method: "GET", path: () => [lit("health")], query: ignoredQuery },
  {
    name: "POST /v1/dev/token",
    method: "POST",
    path: () => [lit("dev"), lit("token")],
    body: (g) => jsonBody(g, { sub: str(1, 128), name: str(1, 64, false), room: roomClaim, role: str(1, 32) }, 4096, { isStrict: false }),
  },
  { name: "GET /v1/doc/{roomId}", method: "GET", isSocket: true, token: "doc", path: (g) => [lit("doc"), segment(g, ["notes-1", "a", "Z_9-x"], roomIdIs)], query: placementQuery },
  { name: "GET /v1/doc/{roomId}/versions", method: "GET", token: "doc", path: (g) => [lit("doc"), segment(g, ["notes-1", "b"], roomIdIs), lit("versions")], query: ignoredQuery },
  {
    name: "GET /v1/doc/{roomId}/versions/{versionId}",
    method: "GET",
    token: "doc",
    // No version exists, so even a well-formed id is a 404.
    path: (g) => [lit("doc"), segment(g, ["notes-1"], roomIdIs), lit("versions"), segment(g, ["000001763856000-0a1b2c3d", "v1"], never)],
  },
  { name: "GET /v1/game/{gameName}/{roomId}", method: "GET", isSocket: true, token: "player", path: (g) => [lit("game"), segment(g, GAME_NAMES, gameIs), segment(g, ["fuzz-http-game"], roomIdIs)], query: placementQuery },
  {
    name: "POST /v1/match/{gameName}",
    method: "POST",
    token: "player",
    path: (g) => [lit("match"), segment(g, GAME_NAMES, gameIs)],
    query: placementQuery,
    body: (g) =>
      jsonBody(g, {
        mode: { isRequired: true, valid: (g) => g.pick(["quick", "private"]), invalid: (g) => g.pick(["Quick", "", 1, null, "ranked"]) },
        region: { isRequired: false, valid: (g) => g.pick(Region.options), invalid: (g) => g.pick(["mars", 1, null, ""]) },
      }, 1024, { isStrict: false }),
  },
  { name: "GET /v1/match/{gameName}/open", method: "GET", path: (g) => [lit("match"), segment(g, GAME_NAMES, gameIs), lit("open")], query: placementQuery },
  {
    name: "GET /v1/leaderboards/{board}",
    method: "GET",
    path: (g) => [lit("leaderboards"), segment(g, ["arena.gems", "arena.gems-daily", "tictactoe.wins", "tictactoe.wins-weekly"], (b) => (findBoard(b) ? "ok" : "4xx"))],
    // `period` must fit the board's period; whether it does is judged when the request is built.
    query: (g, w) => query(g, { limit: limitValue(100), cursor: leaderboardCursorValue(w), around: text(1, 128), period: (g) => ({ text: g.pick(["all", periodKey("daily", Date.now()), periodKey("weekly", Date.now()), "1999-01-01", "x", "".padEnd(17, "9")]), expect: "any" }) }, true),
  },
  { name: "GET /v1/replays/{gameName}/{roomId}", method: "GET", path: (g) => [lit("replays"), segment(g, GAME_NAMES, gameIs), segment(g, ["fuzz-replays"], roomIdIs)], query: ignoredQuery },
  {
    name: "GET /v1/replays/{gameName}/{roomId}/{matchId}",
    method: "GET",
    // No replay is stored, so even a well-formed match id is a 404.
    path: (g) => [lit("replays"), segment(g, GAME_NAMES, gameIs), segment(g, ["fuzz-replays"], roomIdIs), segment(g, [crypto.randomUUID(), "not-a-uuid"], never)],
  },
  { name: "no route", method: "GET", path: (g) => [segment(g, ["nope", "v2", "admin", "doc"], never)] },
];

/** The room part of an admin path, for either kind: `rooms/doc/{id}` or `rooms/game/{game}/{id}`. */
function adminRoom(g: Gen, w: FuzzWorld, isDelete: boolean): Part[] {
  const doc = isDelete ? w.doomedDoc : w.adminDoc;
  const game = isDelete ? w.doomedGame : w.adminGame;
  // A purged room answers 404 afterwards, so a DELETE of a doomed room may earn either; so may
  // another well-formed id, which an earlier case (a socket to /v1/doc/_) may have brought to life.
  const exists = (room: string) => (value: string): Expect => (value === room && !isDelete ? "ok" : roomIdIs(value) === "ok" ? "any" : "4xx");
  if (g.chance(0.5)) return [lit("rooms"), lit("doc"), segment(g, [doc], exists(doc))];
  return [lit("rooms"), lit("game"), segment(g, ["arena"], oneOf(["arena"])), segment(g, [game], exists(game))];
}
const isGamePath = (parts: Part[]) => parts[1]?.text === "game";

const ADMIN_ROOM_ROUTES: RouteSpec[] = [
  { name: "GET /v1/admin/rooms/{room}", method: "GET", path: (g, w) => adminRoom(g, w, false), query: ignoredQuery },
  {
    name: "POST /v1/admin/rooms/{room}/kick",
    method: "POST",
    path: (g, w) => [...adminRoom(g, w, false), lit("kick")],
    body: (g) =>
      jsonBody(g, { connectionId: str(0, 64, false), userId: str(0, 128, false), reason: str(1, 100) }, 4096, {
        isStrict: true,
        refine: (b) => ("connectionId" in b) !== ("userId" in b),
      }),
  },
  { name: "POST /v1/admin/rooms/{room}/broadcast", method: "POST", path: (g, w) => [...adminRoom(g, w, false), lit("broadcast")], body: (g) => jsonBody(g, { message: str(1, 1000) }, 4096, { isStrict: true }) },
  {
    name: "POST /v1/admin/rooms/{room}/lock",
    method: "POST",
    path: (g, w) => [...adminRoom(g, w, false), lit("lock")],
    body: (g) => jsonBody(g, { locked: { isRequired: true, valid: (g) => g.pick([true, false]), invalid: (g) => g.pick(["true", 1, null, []]) } }, 4096, { isStrict: true }),
  },
  { name: "GET /v1/admin/rooms/{room}/export", method: "GET", path: (g, w) => [...adminRoom(g, w, false), lit("export")] },
  {
    name: "POST /v1/admin/rooms/{room}/import",
    method: "POST",
    path: (g, w) => withDocOnly([...adminRoom(g, w, false), lit("import")]),
    body: (g, w) => {
      switch (g.int(6)) {
        case 0:
          return { text: "", expect: "4xx" };
        case 1:
          // Past MAX_IMPORT_BYTES (8 MiB): rare, it is a big allocation.
          return g.chance(0.05) ? { text: "", body: new Uint8Array(8 * 1024 * 1024 + 1), expect: "4xx" } as Part : { text: g.text(100), expect: "any" };
        case 2:
          return { text: "", body: g.bytes(1 + g.int(200)), expect: "any" } as Part;
        default:
          return { text: "", body: w.update, expect: "ok" } as Part;
      }
    },
  },
  { name: "GET /v1/admin/rooms/{room}/versions", method: "GET", path: (g, w) => withDocOnly([...adminRoom(g, w, false), lit("versions")]) },
  {
    name: "POST /v1/admin/rooms/{room}/versions/{versionId}/restore",
    method: "POST",
    path: (g, w) => [...adminRoom(g, w, false), lit("versions"), segment(g, ["000001763856000-0a1b2c3d"], never), lit("restore")],
  },
  { name: "DELETE /v1/admin/rooms/{room}", method: "DELETE", path: (g, w) => adminRoom(g, w, true) },
];
/** Document-only operations on a game room answer 400. */
function withDocOnly(parts: Part[]): Part[] {
  return isGamePath(parts) ? [...parts, { text: "", expect: "4xx", isMarker: true }] : parts;
}

export const ADMIN_ROUTES: RouteSpec[] = [
  {
    name: "GET /v1/admin/rooms",
    method: "GET",
    path: () => [lit("rooms")],
    query: (g) =>
      query(g, {
        kind: (g) => (g.chance(0.7) ? { text: g.pick(["doc", "game"]), expect: "ok" } : { text: g.pick(["DOC", "", "x"]), expect: "4xx" }),
        game: text(0, 32),
        active: (g) => (g.chance(0.7) ? { text: g.pick(["true", "false"]), expect: "ok" } : { text: g.pick(["1", "yes", ""]), expect: "4xx" }),
        region: text(0, 8),
        limit: limitValue(100),
        cursor: cursorValue,
      }, true),
  },
  ...ADMIN_ROOM_ROUTES,
  { name: "GET /v1/admin/metrics", method: "GET", path: () => [lit("metrics")], query: ignoredQuery },
  { name: "GET /v1/admin/openapi.json", method: "GET", path: () => [lit("openapi.json")], query: ignoredQuery },
];

/** One fuzzed request for `route`; `prefix` is `/v1` or `/v1/admin`. */
export function buildRequest(g: Gen, w: FuzzWorld, route: RouteSpec, prefix: string): FuzzRequest {
  const pathParts = route.path(g, w);
  const segments = pathParts.filter((p) => !p.isMarker);
  const parts: Expect[] = pathParts.map((p) => p.expect);
  const queryParts = route.query?.(g, w) ?? [];
  parts.push(...queryParts.map((p) => p.expect));
  const headers: Record<string, string> = {};
  let queryText = queryParts.map((p) => p.text).join("&");
  if (route.token) {
    const token = route.token === "doc" ? w.docToken : g.chance(0.9) ? w.playerToken : w.spectatorToken;
    // Spectators may watch games but not join matches.
    if (token === w.spectatorToken && route.method === "POST") parts.push("4xx");
    if (g.chance(0.1)) parts.push("4xx");
    else if (g.chance(0.5)) headers.Authorization = `Bearer ${token}`;
    else queryText = `token=${token}${queryText ? `&${queryText}` : ""}`;
  }
  if (route.isSocket) {
    if (g.chance(0.6)) headers.Upgrade = "websocket";
    else parts.push("4xx");
  }
  let body: string | Uint8Array | undefined;
  if (route.body) {
    const part = route.body(g, w) as Part & { body?: Uint8Array };
    body = part.body ?? part.text;
    parts.push(part.expect);
  } else if (route.method !== "GET" && g.chance(0.3)) {
    body = g.chance(0.5) ? JSON.stringify(randomJson(g)) : g.bytes(g.int(100));
  }
  if (route.method !== "GET" && g.chance(0.5)) headers["Content-Type"] = g.pick(CONTENT_TYPES);
  let method: string = route.method;
  if (g.chance(0.04)) {
    method = g.pick(["PUT", "PATCH", "OPTIONS"]);
    // workerd hands a Worker every WebSocket upgrade as a GET, whatever method the client sent.
    parts.push(headers.Upgrade ? "any" : "4xx");
  }
  if (route.name.startsWith("GET /v1/leaderboards")) parts.push(judgePeriod(pathParts, queryParts, w));
  const path = `${prefix}/${segments.map((p) => p.text).join("/")}`;
  // The URL parser folds dot segments away, so the request may reach another route: any answer
  // is right then, as long as it passes checkAnswer's other checks.
  const hasDotSegment = segments.some((p) => DOT_SEGMENTS.includes(p.text));
  return { route: route.name, method, path, query: queryText, headers, body: method === "GET" ? undefined : body, expect: hasDotSegment ? "any" : combine(parts) };
}

/**
 * A board's `period` must be a key of the board's own period (and cursor and around exclude each
 * other); a signed cursor is good only for the board and period it was issued for.
 */
function judgePeriod(pathParts: Part[], queryParts: Part[], w: FuzzWorld): Expect {
  const boardId = decoded(pathParts[1]!.text);
  const board = findBoard(boardId);
  const first = (key: string) => queryParts.find((p) => p.text.startsWith(`${key}=`))?.text.slice(key.length + 1);
  if (first("cursor") !== undefined && first("around") !== undefined) return "4xx";
  const period = first("period");
  const cursor = first("cursor");
  const issuedFor = cursor === undefined ? undefined : w.leaderboardCursors.get(cursor);
  if (issuedFor !== undefined && board && issuedFor !== `${boardId}|${period ?? periodKey(board.period, Date.now())}`) return "4xx";
  if (!board || period === undefined) return "ok";
  const fits = { all: /^all$/, daily: /^\d{4}-\d{2}-\d{2}$/, weekly: /^\d{4}-W\d{2}$/ }[board.period].test(period);
  return fits ? "ok" : "4xx";
}

export function toRequest(r: FuzzRequest): Request {
  const url = `${BASE}${r.path}${r.query ? `?${r.query}` : ""}`;
  return new Request(url, { method: r.method, headers: r.headers, body: r.body });
}
