// `npm run bench:leaderboard`: what a deep leaderboard page costs, and what 16 of them at once do to
// the admin listing (issue 13, section 2). A benchmark, not a test: it prints figures and writes
// bench/results/leaderboardDepth.json; nothing in `npm test` depends on its timings.
//
// It starts its own `wrangler dev` (port 8823, `--port=` moves it) on a fresh state directory,
// seeds ROWS entries on arena.gems and DIRECTORY_ROWS rooms in the directory straight into local D1,
// then measures D1 time (the `storage` metric of Server-Timing) and wall time per request:
//   - the top page (limit=100);
//   - the deepest page a client can reach: a forged cursor at depth 199,900 (the attack of the issue;
//     a signed-cursor build answers it 400), the last page cursors reach (MAX_PAGE_DEPTH), and
//     `around=` a player near the bottom;
//   - GET /v1/admin/rooms alone, then right behind bursts of 16 concurrent deepest pages.
// Public rate limits are raised for the run (it measures D1, not the limiter).
//
// node bench/leaderboardDepth.mjs [--port=8823] [--rows=200000] [--samples=20] [--out=path]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyLocalMigrations, offlineEnv, projectRoot, raisedLimitVars, spawnWranglerDev, stopWranglerTree } from "../scripts/wrangler.mjs";

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const PORT = Number(arg("port", "8823"));
const ROWS = Number(arg("rows", "200000"));
const SAMPLES = Number(arg("samples", "40"));
const OUT = arg("out", join(projectRoot, "bench/results/leaderboardDepth.json"));
/** Rooms in the directory, so the admin listing reads a realistic index. */
const DIRECTORY_ROWS = 1_000;
/** Clients looping deep pages at once, as in the issue. */
const CONCURRENT_DEEP = 16;
const BOARD = "arena.gems";
const ADMIN_TOKEN = "bench-admin-token-0123456789abcdef0123";
const BASE = `http://127.0.0.1:${PORT}`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;
const round = (x) => Math.round(x * 10) / 10;

function wrangler(args) {
  return execFileSync(process.execPath, [`${projectRoot}node_modules/wrangler/bin/wrangler.js`, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...offlineEnv, CI: "true" },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A room's counters, as rooms report them (protocol/directory.ts RoomStats). */
const STATS = JSON.stringify({ messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, refused: {}, tickOverruns: 0, outboxBacklog: 0, flushFailures: 0 });

/** 200,000 players with scores 0..49,999 (four to a score, so ties are ranked together). */
function seed(persistTo) {
  const entries = `INSERT INTO leaderboard_entry (board, period_key, player_id, score, updated_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${ROWS})
    SELECT '${BOARD}', 'all', printf('p%07d', x), x % 50000, 0 FROM n;`;
  const rooms = `INSERT INTO room_directory (room, kind, game, room_id, connections, location_hint, created_at, last_active_at, storage_bytes, is_locked, stats, reported_at)
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${DIRECTORY_ROWS})
    SELECT 'doc/bench-' || x, 'doc', NULL, 'bench-' || x, x % 3, NULL, x, x, 4096, 0, '${STATS}', x FROM n;`;
  for (const command of [entries, rooms]) wrangler(["d1", "execute", "edgeroom", "--local", "--persist-to", persistTo, "--command", command]);
}

/** One request: status, wall ms, D1 ms (Server-Timing `storage`), cache state. */
async function timedGet(path, headers = {}) {
  const started = performance.now();
  const response = await fetch(`${BASE}${path}`, { headers });
  const body = await response.text();
  const wallMs = performance.now() - started;
  const storage = /storage;dur=([\d.]+)/.exec(response.headers.get("Server-Timing") ?? "");
  return { status: response.status, wallMs, d1Ms: storage ? Number(storage[1]) : 0, cache: response.headers.get("X-Cache"), body };
}

/**
 * The same page SAMPLES times. Pages are cached for 10 s by their query, so each sample asks for a
 * different `limit` (100 down to 61): a miss every time, and about the same rows.
 */
async function measurePage(name, query) {
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) {
    const limit = 100 - (i % 40);
    const r = await timedGet(`/v1/leaderboards/${BOARD}?limit=${limit}${query}`);
    if (r.cache === "HIT") continue;
    samples.push(r);
  }
  const statuses = [...new Set(samples.map((s) => s.status))];
  const result = { name, statuses, samples: samples.length, d1MedianMs: round(median(samples.map((s) => s.d1Ms))), wallMedianMs: round(median(samples.map((s) => s.wallMs))) };
  console.log(`${name.padEnd(44)} HTTP ${statuses.join("/")}  D1 median ${result.d1MedianMs} ms  wall median ${result.wallMedianMs} ms`);
  return result;
}

/**
 * The cursor main issued: unsigned base64url of [score, playerId]. This forged one starts among the
 * last 104 entries (scores 25 down to 0), so its page is a full 100 rows at depth 199,900.
 */
const forgedCursor = Buffer.from(JSON.stringify([25, ""])).toString("base64url");

/**
 * Follows nextCursor with limit=100 to the last page cursors reach, or WALK_PAGES pages (past
 * MAX_PAGE_DEPTH = 10,000 ranks; a build without the bound would walk all 2,000 pages, ever slower).
 */
const WALK_PAGES = 101;
async function deepestCursor() {
  let cursor = null;
  let pages = 0;
  for (;;) {
    const r = await timedGet(`/v1/leaderboards/${BOARD}?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    if (r.status !== 200) return { cursor, pages };
    const next = JSON.parse(r.body).nextCursor;
    if (!next || pages >= WALK_PAGES) return { cursor, pages };
    cursor = next;
    pages += 1;
  }
}

async function adminListing(samples) {
  const times = [];
  for (let i = 0; i < samples; i++) {
    const r = await timedGet(`/v1/admin/rooms?limit=${50 - (i % 10)}`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    if (r.status !== 200) throw new Error(`admin listing: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    times.push(r.wallMs);
  }
  return { medianMs: round(median(times)), p95Ms: round(p95(times)) };
}

/**
 * As in the issue: CONCURRENT_DEEP deep pages sent at once (each a different `limit`, so none is
 * a cache hit) and an admin listing right behind them; the listing's latency, per round.
 */
async function adminUnderBursts(query, rounds) {
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const burst = Array.from({ length: CONCURRENT_DEEP }, (_, n) => timedGet(`/v1/leaderboards/${BOARD}?limit=${100 - ((round * CONCURRENT_DEEP + n) % 90)}${query}`));
    const admin = await timedGet(`/v1/admin/rooms?limit=${50 - (round % 10)}`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    if (admin.status !== 200) throw new Error(`admin listing: HTTP ${admin.status}`);
    times.push(admin.wallMs);
    await Promise.all(burst);
  }
  return { medianMs: round(median(times)), p95Ms: round(p95(times)), rounds };
}

async function waitReady(child) {
  let exited = null;
  child.once("exit", (code) => (exited = code));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`wrangler dev exited (${exited}); \`npm run build:demo\` first if demo/dist is missing`);
    try {
      if ((await fetch(`${BASE}/v1/health`)).ok) return;
    } catch {}
    await sleep(200);
  }
  throw new Error("wrangler dev did not answer /v1/health within 90 s");
}

const persistTo = mkdtempSync(join(tmpdir(), "edgeroom-bench-leaderboard-"));
applyLocalMigrations({ persistTo });
console.log(`seeding ${ROWS} entries on ${BOARD} and ${DIRECTORY_ROWS} directory rows...`);
seed(persistTo);
const server = spawnWranglerDev({
  port: PORT,
  persistTo,
  detached: true,
  stdio: ["ignore", "ignore", "inherit"],
  // Both names are set so the same script runs against builds with and without the limiter.
  vars: { ADMIN_TOKEN, ...raisedLimitVars },
});
try {
  await waitReady(server);
  const git = process.env.BENCH_COMMIT ?? execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: projectRoot }).toString().trim();
  console.log(`commit ${git}, ${ROWS} rows, ${SAMPLES} samples per page`);
  // One warm-up each, so the first sample does not pay for the isolate's start.
  await timedGet(`/v1/leaderboards/${BOARD}?limit=7`);
  await adminListing(3);

  const top = await measurePage("top page (limit=100)", "");
  const forged = await measurePage("forged cursor at depth 199,900", `&cursor=${forgedCursor}`);
  const walked = await deepestCursor();
  const lastCursorPage = walked.cursor ? await measurePage(`cursor page ${walked.pages + 1} (the last one cursors reach)`, `&cursor=${walked.cursor}`) : null;
  // p0000040 has score 40: 4 x 40 = 160 entries rank below it of 200,000.
  const deepAround = await measurePage("around= a player 160 from the bottom", "&around=p0000040");

  const served = [
    // The control: as many top pages at once. What deep pages add is the difference.
    [top, ""],
    [forged, `&cursor=${forgedCursor}`],
    [lastCursorPage, `&cursor=${walked.cursor}`],
    [deepAround, "&around=p0000040"],
  ].filter(([r]) => r && r.statuses.includes(200));
  const deepest = served.map(([r]) => r).filter((r) => r !== top).sort((a, b) => b.d1MedianMs - a.d1MedianMs)[0];
  const adminAlone = await adminListing(30);
  console.log(`admin listing alone                          median ${adminAlone.medianMs} ms  p95 ${adminAlone.p95Ms} ms`);
  const behind = {};
  for (const [page, query] of served) {
    // A round of the issue's attack took seconds on main: fewer rounds there.
    const loaded = await adminUnderBursts(query, page.d1MedianMs > 500 ? 3 : 20);
    behind[page.name] = { ...loaded, raise: round(loaded.medianMs / adminAlone.medianMs) };
    console.log(`admin listing behind ${CONCURRENT_DEEP} x "${page.name}"  median ${loaded.medianMs} ms  p95 ${loaded.p95Ms} ms  (${loaded.rounds} rounds): ${behind[page.name].raise}x`);
  }

  const result = {
    commit: git,
    rows: ROWS,
    at: new Date().toISOString(),
    pages: { top, forged, lastCursorPage, deepAround },
    deepestServed: deepest.name,
    // workerd's clock moves only on I/O, so D1 times are coarse: the wall-time ratio is the steadier one.
    deepToTopD1Ratio: round(deepest.d1MedianMs / Math.max(top.d1MedianMs, 0.1)),
    deepToTopWallRatio: round(deepest.wallMedianMs / top.wallMedianMs),
    admin: { alone: adminAlone, behind },
  };
  console.log(`deepest served page "${deepest.name}" / top page: D1 time ${result.deepToTopD1Ratio}x, wall time ${result.deepToTopWallRatio}x`);
  mkdirSync(join(OUT, ".."), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${OUT}`);
} finally {
  stopWranglerTree(server);
  await sleep(500);
  rmSync(persistTo, { recursive: true, force: true });
}
