// The starter, tested the way a new user gets it (README, "Build your own"): packs the packages
// (npm run pack), copies examples/starter to a folder in the system's temp dir (outside this repo, so
// nothing resolves through the repo's node_modules), points its `edgeroom` and `@edgeroom/client`
// dependencies at the tarballs, `npm install`s it, type-checks it and starts it with its own
// `npm run dev` (a random AUTH_SECRET in .dev.vars, the package's D1 migrations, wrangler dev) with
// WEBHOOK_URL pointing at a receiver here. Then, with the installed SDK under the project's own Node 22
// (scripts/starter-drive.mjs): two guests take tokens from the starter's /api/token, meet through
// matchmaking and play its game to the end; a stock y-websocket client writes a document, which a fresh
// reader finds after a restart; the match.ended webhook arrives and verifies with the installed
// edgeroom/webhook. Last, `npm run deploy` must stop at the preflight on the placeholder D1 id with the
// command that fixes it, the preflight must pass once the id is real, and `wrangler deploy --dry-run`
// must bundle the Worker. Everything it started is stopped by process group; the folder is removed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { offlineEnv, projectRoot } from "./wrangler.mjs";
import { assert, installableCopy, killGroup } from "./exampleProject.mjs";

/** The whole check, in ms: past it everything started is stopped and the check fails. */
const DEADLINE_MS = 4 * 60_000;
/** Longest wait for `npm run dev` to answer /v1/health, and for the webhook, in ms. */
const READY_WAIT_MS = 60_000;
const WEBHOOK_WAIT_MS = 60_000;
const WEBHOOK_SECRET = "starter-check-webhook-secret-32-bytes-or-more";

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`check-starter [${elapsed()}]: ${message}`);
const env = { ...process.env, ...offlineEnv };
const root = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
const app = mkdtempSync(join(tmpdir(), "edgeroom-starter-"));
/** Process groups this check started and has not stopped yet. */
const groups = new Set();
let receiver = null;

function cleanUp() {
  for (const pgid of groups) killGroup(pgid, "SIGKILL");
  receiver?.close();
  if (process.env.KEEP_STARTER) console.log(`check-starter: the project is kept in ${app}`);
  else rmSync(app, { recursive: true, force: true });
}

const deadline = setTimeout(() => {
  console.error(`check-starter: FAILED, not done within ${DEADLINE_MS / 1000} s`);
  cleanUp();
  process.exit(1);
}, DEADLINE_MS);

const isAlive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

async function eventually(check, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs a command in the installed project and returns its output; throws with it on a non-zero exit. */
function runIn(command, args, { expectFailure = false } = {}) {
  const result = spawnSync(command, args, { cwd: app, env, encoding: "utf8", timeout: Math.max(1_000, started + DEADLINE_MS - Date.now()) });
  const output = `${result.stdout}\n${result.stderr}`;
  if (expectFailure ? result.status === 0 : result.status !== 0) {
    throw new Error(`\`${command} ${args.join(" ")}\` ${expectFailure ? "succeeded but should have failed" : `exited ${result.status}`}:\n${output}`);
  }
  return { stdout: result.stdout, stderr: result.stderr, output };
}

/** A free port on 127.0.0.1, from the system. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The starter's own `npm run dev`, in a process group of its own; resolves once it answers. */
async function startDev(port, webhookUrl) {
  const child = spawn("npm", ["run", "dev", "--", "--var", `WEBHOOK_URL:${webhookUrl}`, "--var", `WEBHOOK_SECRET:${WEBHOOK_SECRET}`], {
    cwd: app,
    env: { ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  groups.add(child.pid);
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`npm run dev exited ${child.exitCode}`);
      return fetch(`http://127.0.0.1:${port}/v1/health`).then((r) => r.ok, () => false);
    }, READY_WAIT_MS, "npm run dev to answer /v1/health");
  } catch (error) {
    throw new Error(`${error.message}\n--- npm run dev said:\n${output}`);
  }
  return { child, output: () => output };
}

/** SIGINT to the group (a user's Ctrl-C), SIGKILL if it lingers. */
async function stopDev({ child }) {
  killGroup(child.pid, "SIGINT");
  try {
    await eventually(() => !isAlive(child.pid), 10_000, "npm run dev to stop");
  } catch {
    killGroup(child.pid, "SIGKILL");
    await eventually(() => !isAlive(child.pid), 10_000, "npm run dev to die");
  }
  groups.delete(child.pid);
}

/**
 * Runs scripts/starter-drive.mjs in the project with the project's own Node; returns its last JSON line.
 * Not spawnSync: this process must go on answering webhooks and draining wrangler's output meanwhile.
 */
async function drive(args) {
  const child = spawn(join(app, "node_modules/.bin/node"), ["drive.mjs", ...args], { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  groups.add(child.pid);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  groups.delete(child.pid);
  if (code !== 0) throw new Error(`drive.mjs ${args[0]} exited ${code}:\n${stdout}\n${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

async function main() {
  log(`packing the packages, then a new project in ${app}`);
  execFileSync(process.execPath, [join(projectRoot, "scripts/pack.mjs")], { cwd: projectRoot, env, stdio: ["ignore", "ignore", "inherit"] });
  // What a user copies: the starter's own files, without anything a local run of it left behind.
  installableCopy("starter", app, {
    leftovers: /(^|\/)(node_modules|\.wrangler|\.dev\.vars|package-lock\.json|public\/app\.js(\.map)?)$/,
    tarballPrefixes: { edgeroom: "edgeroom-0", "@edgeroom/client": "edgeroom-client-" },
    // The stock client the check edits a document with, at the version this repo tests it with.
    amend: (manifest) => (manifest.devDependencies["y-websocket"] = root.devDependencies["y-websocket"]),
  });
  cpSync(join(projectRoot, "scripts/starter-drive.mjs"), join(app, "drive.mjs"));

  log("npm install");
  runIn("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
  log("npm run typecheck (the Worker, and the page typed from the game)");
  runIn("npm", ["run", "-s", "typecheck"]);

  const deliveries = [];
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      deliveries.push({ body: Buffer.concat(chunks).toString("utf8"), signature: request.headers["edgeroom-signature"] });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${receiver.address().port}/edgeroom-events`;

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  log(`npm run dev on ${base}, webhooks to ${webhookUrl}`);
  let dev = await startDev(port, webhookUrl);
  assert(/wrote a random AUTH_SECRET to \.dev\.vars/.test(dev.output()), `npm run dev did not create .dev.vars:\n${dev.output()}`);
  const page = await fetch(`${base}/`);
  assert(page.ok && (await page.text()).includes('src="/app.js"'), "the starter's page is served at /");
  assert((await fetch(`${base}/app.js`)).ok, "the page's bundle (wrangler.toml [build]) is served at /app.js");

  log("two guests play the game through matchmaking; a stock y-websocket client writes a document");
  const played = await drive(["play", base]);

  // The installed package's own verifier, as a user's receiver would import it.
  const fromApp = createRequire(join(app, "package.json"));
  const { verifyWebhook, parseRoomEvent } = await import(pathToFileURL(fromApp.resolve("edgeroom/webhook")).href);
  const ended = await eventually(
    () => deliveries.map((d) => ({ ...d, event: parseRoomEvent(d.body) })).find((d) => d.event?.type === "match.ended" && d.event.data.matchId === played.matchId),
    WEBHOOK_WAIT_MS,
    `the match.ended webhook for match ${played.matchId}`,
  );
  assert((await verifyWebhook(ended.body, ended.signature, WEBHOOK_SECRET)).ok, `the match.ended webhook's signature does not verify: ${ended.signature}`);
  assert(!(await verifyWebhook(ended.body, ended.signature, "another-secret-of-at-least-32-bytes-long")).ok, "a signature verified under the wrong secret");
  assert(ended.event.room === `game/reaction/${played.roomId}`, `the webhook names room ${ended.event.room}`);
  assert(JSON.stringify(ended.event.data.result.winners) === JSON.stringify([played.winner]), `the webhook's winners are ${JSON.stringify(ended.event.data.result.winners)}`);
  // The starter's onMatchEnd hook ran too, in the same Worker.
  await eventually(() => dev.output().includes(`match ${played.matchId} in game/reaction/${played.roomId} won by ${played.winner}`), WEBHOOK_WAIT_MS, "the starter's onMatchEnd hook to log the match");

  log("restart npm run dev; a fresh reader must find the document");
  await stopDev(dev);
  dev = await startDev(port, webhookUrl);
  await drive(["read", base, played.docRoom, played.text]);
  await stopDev(dev);

  log("npm run deploy must stop at the preflight, on the placeholder D1 id");
  const refused = runIn("npm", ["run", "deploy"], { expectFailure: true });
  assert(refused.stderr.includes('database_id "00000000-0000-0000-0000-000000000000" is a placeholder'), `the preflight did not name the placeholder id:\n${refused.output}`);
  assert(refused.stderr.includes("npx wrangler d1 create edgeroom-starter"), `the preflight did not give the command that fixes it:\n${refused.output}`);
  assert(refused.stderr.includes("Nothing was deployed"), `the preflight did not say nothing was deployed:\n${refused.output}`);

  log("the preflight passes once the id is real; wrangler deploy --dry-run bundles the Worker");
  const config = readFileSync(join(app, "wrangler.toml"), "utf8").replace('database_id = "00000000-0000-0000-0000-000000000000"', 'database_id = "6f1c2a9e-3b7d-4e28-9a41-0c5d8e7f3b12"');
  writeFileSync(join(app, "wrangler.real-id.toml"), config);
  const passed = runIn("npx", ["edgeroom-preflight", "--config", "wrangler.real-id.toml"]);
  assert(passed.stdout.includes("Preflight passed"), `the preflight did not pass with a real id:\n${passed.output}`);
  runIn("npx", ["wrangler", "deploy", "--dry-run", "--outdir", "dry-run"]);
  const bundle = readFileSync(join(app, "dry-run/worker.js"), "utf8");
  assert(bundle.includes('name: "reaction"') && /GameRoom = class extends/.test(bundle), "the dry-run bundle lacks the starter's game or the rooms");
}

try {
  await main();
  log("the starter installs from the tarballs, plays, persists, sends its webhook and passes its deploy checks");
  cleanUp();
  clearTimeout(deadline);
} catch (error) {
  console.error(`check-starter: FAILED after ${elapsed()}:`, error); // a local test run: the whole error helps
  cleanUp();
  process.exit(1);
}
