// The React example, tested the way a user gets it (README, client section): packs the packages
// (npm run pack), copies examples/react to a folder in the system's temp dir (outside this repo, so
// nothing resolves through the repo's node_modules), points its @edgeroom/client and @edgeroom/react
// dependencies at the tarballs, `npm install`s it, type-checks it and builds it with `vite build`.
// The bundle budget: Edgeroom's code (@edgeroom/client + @edgeroom/react, measured from the installed
// tarballs by scripts/react-app-measure.mjs the way test/node/clientBundleBudget.test.ts measures the
// SDK) adds at most BUDGET_GZIP_BYTES over React + yjs + y-protocols. Then the built app is served by
// `vite preview`, this repo's service by `wrangler dev` (DEV_TOKENS on), and Chromium drives two tabs:
// both edit one document, reach `saved` and see each other's text and presence; both join one
// tic-tac-toe game through useGame's matchmaking, a move shows in both, and once X wins both leaderboards
// (useLeaderboard) rank the winner. A third tab opens the same page built for development, where
// <StrictMode> mounts every effect twice: every tab must open one socket per room and matchmake once.
// Everything it started is stopped by process group; the folder is removed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../playwright.config.ts";
import { applyLocalMigrations, offlineEnv, projectRoot, raisedLimitVars, spawnWranglerDev } from "./wrangler.mjs";
import { assert, installableCopy, killGroup } from "./exampleProject.mjs";

/** The whole check, in ms: past it everything started is stopped and the check fails. */
const DEADLINE_MS = 5 * 60_000;
/** Longest wait for the service and the preview server to answer, in ms. */
const READY_WAIT_MS = 60_000;
/** Longest wait for one thing a tab should show (a status, the other tab's text, a move), in ms. */
const UI_WAIT_MS = 20_000;
/** The budget: Edgeroom's client code adds at most 15 kB gzip over React + yjs + y-protocols. */
const BUDGET_GZIP_BYTES = 15_000;
/** Ports of this check's service and app (the brief's fixed pair; override when they are taken). */
const SERVICE_PORT = Number(process.env.REACT_APP_SERVICE_PORT ?? 8851);
const APP_PORT = Number(process.env.REACT_APP_PORT ?? 8852);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`check-react-app [${elapsed()}]: ${message}`);
const env = { ...process.env, ...offlineEnv };
const work = mkdtempSync(join(tmpdir(), "edgeroom-react-app-"));
const app = join(work, "app");
const state = join(work, "state");
/** Process groups this check started and has not stopped yet. */
const groups = new Set();
let browser = null;

async function cleanUp() {
  await browser?.close().catch(() => {});
  browser = null;
  for (const pgid of groups) killGroup(pgid, "SIGKILL");
  groups.clear();
  if (process.env.KEEP_REACT_APP) console.log(`check-react-app: the project is kept in ${app}`);
  else rmSync(work, { recursive: true, force: true });
}

const deadline = setTimeout(() => {
  console.error(`check-react-app: FAILED, not done within ${DEADLINE_MS / 1000} s`);
  void cleanUp().finally(() => process.exit(1));
}, DEADLINE_MS);

async function eventually(check, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs a command in the installed project and returns its stdout; throws with its output on a non-zero exit. */
function runIn(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, {
    cwd: app,
    env: { ...env, ...extraEnv },
    encoding: "utf8",
    timeout: Math.max(1_000, started + DEADLINE_MS - Date.now()),
  });
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(" ")}\` exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function isServing(url) {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(() => true, () => false);
}

/** A long-running child in a process group of its own, its output kept for the error message. */
function startGroup(child, name) {
  groups.add(child.pid);
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, name, output: () => output };
}

async function waitServing(started, url) {
  try {
    await eventually(async () => {
      if (started.child.exitCode !== null) throw new Error(`${started.name} exited ${started.child.exitCode}`);
      return isServing(url);
    }, READY_WAIT_MS, `${started.name} to answer ${url}`);
  } catch (error) {
    throw new Error(`${error.message}\n--- ${started.name} said:\n${started.output()}`);
  }
}

/** Bytes of every JavaScript file `vite build` wrote, raw and gzip -9 (as the measure script counts). */
function builtJsSizes() {
  const assets = join(app, "dist/assets");
  let raw = 0;
  let gzip = 0;
  for (const file of readdirSync(assets).filter((name) => name.endsWith(".js"))) {
    const code = readFileSync(join(assets, file));
    raw += code.byteLength;
    gzip += gzipSync(code, { level: 9 }).byteLength;
  }
  return { raw, gzip };
}

/** Waits until `read()` of a tab satisfies `matches`; the error names what it last saw. */
async function waitFor(what, read, matches) {
  let last;
  try {
    await eventually(async () => matches((last = await read())), UI_WAIT_MS, what);
  } catch (error) {
    throw new Error(`${error.message} (last seen: ${JSON.stringify(last)})`);
  }
}

const text = (page, testId) => page.getByTestId(testId).textContent({ timeout: UI_WAIT_MS });

async function drive() {
  browser = await chromium.launch(chromiumLaunchOptions);
  const context = await browser.newContext();
  const errors = [];
  const docRoom = `react-check-${Date.now().toString(36)}`;
  /** Per tab: the sockets it opened and the matchmaking requests it sent (a POST or a quick join's socket), to hold StrictMode's double mount to one of each. */
  const traffic = new Map();
  const open = async (label, path = "/") => {
    const page = await context.newPage();
    const seen = { docSockets: 0, gameSockets: 0, matchRequests: 0 };
    traffic.set(label, seen);
    page.on("pageerror", (error) => errors.push(`${label}: ${error.message}`));
    page.on("websocket", (socket) => {
      const path = new URL(socket.url()).pathname;
      if (path.startsWith("/v1/doc/")) seen.docSockets += 1;
      // A quick match joins through one socket to /v1/match/{game}/join: the game's socket and its matchmaking at once.
      const isQuickJoin = /^\/v1\/match\/[^/]+\/join$/.test(path);
      if (path.startsWith("/v1/game/") || isQuickJoin) seen.gameSockets += 1;
      if (isQuickJoin) seen.matchRequests += 1;
    });
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname.startsWith("/v1/match/")) seen.matchRequests += 1;
    });
    await page.goto(`http://127.0.0.1:${APP_PORT}${path}?doc=${docRoom}`);
    await waitFor(`tab ${label} to render`, () => text(page, "ready"), (t) => t === "ready");
    return page;
  };
  const a = await open("A");
  const b = await open("B");
  try {
    log("two tabs edit one document; both reach saved and see each other's text");
    for (const [label, page] of [["A", a], ["B", b]]) {
      await waitFor(`tab ${label}'s document to sync`, () => text(page, "doc-status"), (s) => s === "synced" || s === "saved");
    }
    const first = "Hello from tab A.";
    await a.getByTestId("doc-text").fill(first);
    await waitFor("tab B to see tab A's text", () => b.getByTestId("doc-text").inputValue(), (v) => v === first);
    const second = " And from tab B.";
    await b.getByTestId("doc-text").focus();
    await b.getByTestId("doc-text").press("Control+End");
    await b.getByTestId("doc-text").pressSequentially(second);
    for (const [label, page] of [["A", a], ["B", b]]) {
      await waitFor(`tab ${label} to show both tabs' text`, () => page.getByTestId("doc-text").inputValue(), (v) => v === first + second);
      await waitFor(`tab ${label}'s document to reach saved`, () => text(page, "doc-status"), (s) => s === "saved");
    }
    const [nameA, nameB] = [await text(a, "me"), await text(b, "me")];
    await waitFor("tab A to see tab B present (useOthers)", () => text(a, "others"), (t) => t.includes(nameB));
    await waitFor("tab B to see tab A present (useOthers)", () => text(b, "others"), (t) => t.includes(nameA));

    log("two tabs join one tic-tac-toe game through useGame's matchmaking; a move shows in both");
    for (const [label, page] of [["A", a], ["B", b]]) {
      await waitFor(`tab ${label} to join the game`, () => text(page, "game-status"), (s) => s === "joined");
      await waitFor(`tab ${label}'s game to start with both seats taken`, () => text(page, "game-phase"), (p) => p === "playing: X to move");
    }
    const marks = [await text(a, "game-mark"), await text(b, "game-mark")].sort().join("");
    assert(marks === "OX", `the tabs play ${marks}, not one X and one O: did they land in two rooms?`);
    const [x, o] = (await text(a, "game-mark")) === "X" ? [a, b] : [b, a];
    await x.getByTestId("cell-4").click();
    for (const [label, page] of [["X", x], ["O", o]]) {
      await waitFor(`tab ${label} to show X in the centre`, () => text(page, "cell-4"), (t) => t === "X");
      await waitFor(`tab ${label} to show O to move`, () => text(page, "game-phase"), (p) => p === "playing: O to move");
    }
    log("X plays on to a win; both tabs' leaderboards (useLeaderboard) show the winner");
    const winner = await text(x, "game-player");
    // X: 4 (above), then O 0, X 2, O 1, X 6: the diagonal 2-4-6. A button is enabled only on its tab's turn.
    // The room starts the next match right after, so "over" may be gone before a tab is looked at: the
    // win is seen where it lasts, on the leaderboard.
    for (const [page, cell] of [[o, 0], [x, 2], [o, 1], [x, 6]]) await page.getByTestId(`cell-${cell}`).click({ timeout: UI_WAIT_MS });
    for (const [label, page] of [["X", x], ["O", o]]) {
      await waitFor(`tab ${label}'s leaderboard to list the winner with 1 win`, () => page.locator(`[data-testid=board] li[data-player="${winner}"]`).textContent({ timeout: 1_000 }).catch(() => null), (t) => t === `${winner}: 1`);
    }

    log("a third tab on the development build, where <StrictMode> mounts every effect twice: one socket per room, one matchmaking");
    const dev = await open("dev", "/dev/");
    await waitFor("the development tab to see both tabs' text", () => dev.getByTestId("doc-text").inputValue(), (v) => v === first + second);
    await waitFor("the development tab to join a game", () => text(dev, "game-status"), (s) => s === "joined");
    assert(errors.length === 0, `the page threw: ${errors.join("; ")}`);
    // In every tab (the production ones too), one socket per room and one matchmaking request.
    for (const [label, seen] of traffic) {
      assert(seen.docSockets === 1 && seen.gameSockets === 1 && seen.matchRequests === 1, `tab ${label} (in <StrictMode>) opened ${JSON.stringify(seen)}: not one socket per room and one matchmaking request`);
    }
  } catch (error) {
    for (const [label, page] of [["A", a], ["B", b], ...context.pages().slice(2).map((page) => ["dev", page])]) {
      const shown = await page.locator("body").innerText().catch((e) => e.message);
      const typed = await page.getByTestId("doc-text").inputValue({ timeout: 1_000 }).catch((e) => e.message);
      error.message += `\n--- tab ${label} showed:\n${shown}\n(the textarea: ${JSON.stringify(typed)})`;
    }
    if (errors.length > 0) error.message += `\n--- page errors: ${errors.join("; ")}`;
    throw error;
  }
}

async function main() {
  for (const port of [SERVICE_PORT, APP_PORT]) {
    assert(!(await isServing(`http://127.0.0.1:${port}/`)), `port ${port} already serves something; stop it (or set REACT_APP_SERVICE_PORT / REACT_APP_PORT)`);
  }
  log(`packing the packages, then the React example in ${app}`);
  execFileSync(process.execPath, [join(projectRoot, "scripts/pack.mjs")], { cwd: projectRoot, env, stdio: ["ignore", "ignore", "inherit"] });
  // What a user copies: the example's own files, without anything a local run of it left behind.
  installableCopy("react", app, {
    leftovers: /(^|\/)(node_modules|dist|package-lock\.json)$/,
    tarballPrefixes: { "@edgeroom/client": "edgeroom-client-", "@edgeroom/react": "edgeroom-react-" },
  });
  cpSync(join(projectRoot, "scripts/react-app-measure.mjs"), join(app, "measure.mjs"));

  log("npm install");
  runIn("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
  const vite = join(app, "node_modules/vite/bin/vite.js");
  log("tsc (the app against the packages' .d.ts)");
  runIn(process.execPath, [join(app, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);

  log("bundle budget: React + yjs + y-protocols, then the same with every hook and the client");
  const measured = JSON.parse(runIn(process.execPath, ["measure.mjs"]).trim().split("\n").at(-1));
  const added = { raw: measured.edgeroom.raw - measured.base.raw, gzip: measured.edgeroom.gzip - measured.base.gzip };
  log("vite build (the example, pointed at this check's service)");
  runIn(process.execPath, [vite, "build"], { VITE_EDGEROOM_URL: `http://127.0.0.1:${SERVICE_PORT}` });
  const built = builtJsSizes();
  // <StrictMode> mounts effects twice in development builds only: a production build cannot show that the
  // hooks still open one socket. So the same page, built for development, is served at /dev/ for one more tab.
  runIn(process.execPath, [vite, "build", "--mode", "development", "--outDir", "dist/dev", "--base", "/dev/", "--emptyOutDir", "false", "--minify", "false"], {
    NODE_ENV: "development",
    VITE_EDGEROOM_URL: `http://127.0.0.1:${SERVICE_PORT}`,
  });
  const kB = ({ raw, gzip }) => `${(raw / 1000).toFixed(1)} kB (${(gzip / 1000).toFixed(1)} kB gzip)`;
  console.log(
    [
      "check-react-app: bundle figures (JavaScript, minified; gzip -9):",
      `  React + yjs + y-protocols:               ${kB(measured.base)}`,
      `  the same with @edgeroom/client + react:  ${kB(measured.edgeroom)}`,
      `  Edgeroom adds:                           ${kB(added)}, budget ${(BUDGET_GZIP_BYTES / 1000).toFixed(1)} kB gzip`,
      `  the example app as built (dist/assets):  ${kB(built)}, ${kB({ raw: built.raw - measured.base.raw, gzip: built.gzip - measured.base.gzip })} over the base`,
    ].join("\n"),
  );
  assert(measured.base.gzip > 40_000, `the base page is ${measured.base.gzip} B gzip: it did not keep React and yjs`);
  assert(added.gzip <= BUDGET_GZIP_BYTES, `Edgeroom's code adds ${added.gzip} B gzip over React + yjs + y-protocols, past the ${BUDGET_GZIP_BYTES} B budget`);

  log(`wrangler dev on ${SERVICE_PORT} (DEV_TOKENS on), vite preview on ${APP_PORT}`);
  // wrangler.toml serves the demo's build as the Worker's assets; `npm test` builds it first, a lone run here.
  if (!existsSync(join(projectRoot, "demo/dist"))) execFileSync(process.execPath, [join(projectRoot, "scripts/build-demo.mjs")], { cwd: projectRoot, env, stdio: ["ignore", "ignore", "inherit"] });
  mkdirSync(state);
  applyLocalMigrations({ persistTo: state });
  const service = startGroup(
    spawnWranglerDev({ port: SERVICE_PORT, persistTo: state, stdio: ["ignore", "pipe", "pipe"], detached: true, vars: raisedLimitVars }),
    "wrangler dev",
  );
  const preview = startGroup(
    spawn(process.execPath, [vite, "preview", "--port", String(APP_PORT), "--strictPort", "--host", "127.0.0.1"], {
      cwd: app,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    }),
    "vite preview",
  );
  await waitServing(service, `http://127.0.0.1:${SERVICE_PORT}/v1/health`);
  await waitServing(preview, `http://127.0.0.1:${APP_PORT}/`);
  await drive();
}

try {
  await main();
  log("the React example installs from the tarballs, holds the bundle budget, edits a document in two tabs, plays a game in both and ranks its winner");
  clearTimeout(deadline);
  await cleanUp();
} catch (error) {
  console.error(`check-react-app: FAILED after ${elapsed()}:`, error);
  await cleanUp();
  process.exit(1);
}
