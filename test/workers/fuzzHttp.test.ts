// Seeded fuzzing of every HTTP route: crafted path segments, queries and bodies, with valid
// tokens so the fuzz reaches past auth, and the admin API with and without its token.
import { env, exports } from "cloudflare:workers";
import * as Y from "yjs";
import { beforeAll, describe, expect, it } from "vitest";
import { D1LeaderboardStore } from "../../persistence/d1LeaderboardStore.ts";
import { bumpBoardGeneration } from "../../persistence/leaderboardCache.ts";
import { periodKey } from "../../protocol/leaderboards.ts";
import { findBoard } from "../../rooms/game/registry.ts";
// The Worker fills the game registry when its module is evaluated; make sure it is before the registry is read.
import "../../server/index.ts";
import { openGame } from "./gameHelpers.ts";
import { BASE, devToken, openDoc } from "./helpers.ts";
import { CASES, type Gen, SEED, Tally, checkAnswer, expectServiceServes, fuzzTimeout, generator } from "./fuzzKit.ts";
import { ADMIN_ROUTES, type FuzzRequest, type FuzzWorld, PUBLIC_ROUTES, buildRequest, toRequest } from "./fuzzRequests.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

const ADMIN_TOKEN = "test-admin-token-of-at-least-32-bytes";
let world: FuzzWorld;

/** Makes a room exist (rooms record themselves when their first socket is admitted). */
async function touchDoc(roomId: string) {
  const socket = await openDoc(roomId, world.docToken);
  socket.close();
}
async function touchGame(roomId: string) {
  const socket = await openGame("arena", roomId, "admin-fuzz-seed");
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await socket.control("welcome");
  socket.close();
}

beforeAll(async () => {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "imported by the fuzz");
  world = {
    docToken: await devToken({ sub: "fuzzer", room: "doc/*", role: "editor" }),
    playerToken: await devToken({ sub: "fuzzer", room: "game/*", role: "player" }),
    spectatorToken: await devToken({ sub: "watcher", room: "game/*", role: "spectator" }),
    adminDoc: `fuzz-admin-doc-${SEED}`,
    adminGame: `fuzz-admin-game-${SEED}`,
    doomedDoc: `fuzz-doomed-doc-${SEED}`,
    doomedGame: `fuzz-doomed-game-${SEED}`,
    update: Y.encodeStateAsUpdate(doc),
    leaderboardCursors: new Map(),
  };
  await touchDoc(world.adminDoc);
  await touchDoc(world.doomedDoc);
  await touchGame(world.adminGame);
  await touchGame(world.doomedGame);
  await seedLeaderboards();
  await collectCursors();
});

/** Cursors as the service issues them: the first three of each board's current period. */
async function collectCursors() {
  for (const id of ["arena.gems", "arena.gems-daily", "tictactoe.wins", "tictactoe.wins-weekly"]) {
    let cursor = "";
    for (let n = 0; n < 3; n++) {
      const response = await exports.default.fetch(`${BASE}/v1/leaderboards/${id}?limit=${1 + n}${cursor}`);
      const body = await response.json<{ period: string; nextCursor: string | null }>();
      if (!body.nextCursor) throw new Error(`no cursor for ${id}: HTTP ${response.status}`);
      world.leaderboardCursors.set(body.nextCursor, `${id}|${body.period}`);
      cursor = `&cursor=${body.nextCursor}`;
    }
  }
}

/** Entries on every board, player ids of any text among them, so fuzzed pages end on them and issue cursors. */
async function seedLeaderboards() {
  const players = ["日本", "zoë", "'; DROP TABLE leaderboard_entry; --", "日".repeat(128), "\u0001", ...Array.from({ length: 30 }, (_, n) => `player-${n}`)];
  for (const id of ["arena.gems", "arena.gems-daily", "tictactoe.wins", "tictactoe.wins-weekly"]) {
    const board = findBoard(id)!;
    const writes = players.map((playerId, n) => ({ board: id, periodKey: periodKey(board.period, Date.now()), playerId, score: n % 7, operator: "set" as const, order: board.order }));
    await new D1LeaderboardStore(env.DB).apply(`fuzz-seed-${id}-${SEED}`, writes);
    await bumpBoardGeneration(id);
  }
}

/** Runs `CASES` requests built by `build`, each checked against what its input deserves. */
async function fuzzRoutes(entryPoint: string, build: (g: Gen) => FuzzRequest): Promise<Tally> {
  const tally = new Tally(entryPoint);
  for (let n = 0; n < CASES; n++) {
    const request = build(generator(SEED + n));
    const response = await exports.default.fetch(toRequest(request));
    tally.count(`${request.route} ${response.status}`);
    const problem = await checkAnswer(response, request.expect);
    tally.check(n, problem && `${request.method} ${request.path.slice(0, 120)}?${request.query.slice(0, 120)}: ${problem}`);
  }
  tally.report();
  return tally;
}

const answered = (tally: Tally, isOk: (status: number) => boolean) =>
  Object.entries(tally.outcomes).reduce((sum, [key, count]) => sum + (isOk(Number(key.split(" ").at(-1))) ? count : 0), 0);
const isSuccess = (status: number) => status === 101 || (status >= 200 && status < 300);

describe("fuzzed HTTP routes", () => {
  it(`public routes answer ${CASES} fuzzed requests with a 2xx only for valid input, else a 4xx with a message`, { timeout: fuzzTimeout(200) }, async () => {
    const tally = await fuzzRoutes("http public routes", (g) => buildRequest(g, world, g.pick(PUBLIC_ROUTES), "/v1"));
    // The fuzz reaches past validation: a share of the cases are valid and served.
    expect(answered(tally, isSuccess)).toBeGreaterThan(CASES / 10);
    await expectServiceServes("http");
  });

  it(`admin routes answer ${CASES} fuzzed requests with the admin token the same way`, { timeout: fuzzTimeout(200) }, async () => {
    const tally = await fuzzRoutes("http admin routes", (g) => {
      const request = buildRequest(g, world, g.pick(ADMIN_ROUTES), "/v1/admin");
      return { ...request, headers: { ...request.headers, Authorization: `Bearer ${ADMIN_TOKEN}` } };
    });
    expect(answered(tally, isSuccess)).toBeGreaterThan(CASES / 10);
    await expectServiceServes("admin");
  });

  it(`admin routes answer ${CASES} fuzzed requests without authority with 401`, { timeout: fuzzTimeout(200) }, async () => {
    await fuzzRoutes("http admin without authority", (g) => {
      const request = buildRequest(g, world, g.pick(ADMIN_ROUTES), "/v1/admin");
      const authorization = g.pick([
        undefined,
        `Bearer ${ADMIN_TOKEN}x`,
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
        `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}`,
        `Bearer`,
        `Bearer ${world.docToken}`,
        `${ADMIN_TOKEN}`,
        `Bearer  ${ADMIN_TOKEN} extra`,
        `Bearer ${"a".repeat(10_000)}`,
      ]);
      const headers = { ...request.headers };
      if (authorization === undefined) delete headers.Authorization;
      else headers.Authorization = authorization;
      // The admin token in the query is not how the admin API authenticates.
      const query = g.chance(0.2) ? `token=${ADMIN_TOKEN}&${request.query}` : request.query;
      return { ...request, headers, query, expect: 401 };
    });
    await expectServiceServes("no-admin");
  });
});
