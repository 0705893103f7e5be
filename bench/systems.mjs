// The systems under test: each a separate process on 127.0.0.1, pinned to CPU 0 where taskset exists.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyLocalMigrations, localVars, offlineEnv, projectRoot, raisedLimitVars } from "../scripts/wrangler.mjs";
import { colyseusSystem } from "./colyseusClient.mjs";
import { nodeServer, pinned } from "./pinning.mjs";
import { median } from "./stats.mjs";

export { hasTaskset } from "./pinning.mjs";

/**
 * The scenarios' peers share one development token (fetching hundreds would measure the token
 * route), so Edgeroom's cap on connections per user (5 by default) is lifted to the room's own
 * cap: the bench measures a room's fan-out, not the per-user quota.
 */
const BENCH_VARS = ["--var", "MAX_CONNECTIONS_PER_SUB:1000"];

/**
 * `protocol`: how clients talk to it. `raw` relays bytes; `yjs` speaks y-protocols; `hocuspocus`
 * prefixes the document name; `colyseus` relays bytes through Colyseus rooms (its own Peer class).
 */
export const SYSTEMS = {
  "bare-ws": { protocol: "raw", start: (port) => nodeServer("bare-ws.mjs", port), url: (port, room) => `ws://127.0.0.1:${port}/${room}` },
  "y-websocket": { protocol: "yjs", start: (port) => nodeServer("y-websocket.mjs", port), url: (port, room) => `ws://127.0.0.1:${port}/${room}` },
  colyseus: colyseusSystem,
  hocuspocus: { protocol: "hocuspocus", start: (port) => nodeServer("hocuspocus.mjs", port), url: (port) => `ws://127.0.0.1:${port}` },
  edgeroom: {
    protocol: "yjs",
    needsToken: true,
    start: (port) => {
      const persistTo = freshPersistDir();
      return withPersistDir(persistTo, pinned(
        process.execPath,
        [`${projectRoot}node_modules/wrangler/bin/wrangler.js`, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo, "--show-interactive-dev-session=false", "--log-level", "error", ...BENCH_VARS, ...Object.entries({ ...localVars, ...raisedLimitVars }).flatMap(([name, value]) => ["--var", `${name}:${value}`])],
        { cwd: projectRoot, env: { ...process.env, ...offlineEnv }, stdio: ["ignore", "pipe", "inherit"], detached: true },
      ));
    },
    url: (port, room) => `ws://127.0.0.1:${port}/v1/doc/${room}`,
    ready: (port) => `http://127.0.0.1:${port}/v1/health`,
  },
  /** The same bundle and bindings in one workerd process, without `wrangler dev`'s proxy in front. */
  "edgeroom-workerd": {
    protocol: "yjs",
    needsToken: true,
    start: (port) => {
      const persistTo = freshPersistDir();
      return withPersistDir(persistTo, nodeServer("edgeroom-workerd.mjs", port, [persistTo]));
    },
    url: (port, room) => `ws://127.0.0.1:${port}/v1/doc/${room}`,
    ready: (port) => `http://127.0.0.1:${port}/v1/health`,
  },
  /**
   * The platform's floor: a Durable Object relaying frames unread (bench/servers/floors/do-relay.js)
   * in one workerd process like `edgeroom-workerd`. `raw`, so a socket is "synced" when open; the
   * fan-out sends it the same Yjs update frames the Yjs systems get (`relaysYjsFrames`).
   */
  "do-relay": {
    protocol: "raw",
    relaysYjsFrames: true,
    floor: true,
    start: (port) => nodeServer("floor-workerd.mjs", port, ["do-relay"]),
    url: (port, room) => `ws://127.0.0.1:${port}/${room}`,
    ready: (port) => `http://127.0.0.1:${port}/health`,
  },
  /** The same platform's Yjs peer: stock y-partyserver's YServer in a Durable Object, no durability, one workerd process. */
  "y-partyserver": {
    protocol: "yjs",
    floor: true,
    start: (port) => nodeServer("floor-workerd.mjs", port, ["y-partyserver"]),
    url: (port, room) => `ws://127.0.0.1:${port}/parties/y-doc/${room}`,
    ready: (port) => `http://127.0.0.1:${port}/health`,
  },
  /** The same service on the Node adapter (`edgeroom serve`, server/node/): one Node process, node:sqlite, ws. */
  "edgeroom-node": {
    protocol: "yjs",
    needsToken: true,
    start: (port) => {
      const persistTo = mkdtempSync(join(tmpdir(), "edgeroom-bench-node-"));
      const args = ["--experimental-transform-types", "--no-warnings", "server/node/cli.ts", "serve", "--port", String(port), "--data", persistTo, "--config", "test/node/nodeAdapter/config.ts"];
      const vars = { ...localVars, ...raisedLimitVars, MAX_CONNECTIONS_PER_SUB: "1000" };
      return withPersistDir(persistTo, pinned(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...vars }, stdio: ["ignore", "pipe", "inherit"], detached: true }));
    },
    url: (port, room) => `ws://127.0.0.1:${port}/v1/doc/${room}`,
    ready: (port) => `http://127.0.0.1:${port}/v1/health`,
  },
};

/**
 * The platform's floor for the game scenarios (bench/servers/floors/game-relay.js): a Durable Object
 * that acknowledges inputs and sends each player a frame of Edgeroom's size every tick, with a
 * counting matchmaker, in one workerd process. It speaks the game routes only, so it is not in
 * SYSTEMS (the full run would give it every scenario); the game's side-by-side scripts add it.
 */
export const gameFloorSystem = {
  protocol: "raw",
  needsToken: true,
  floor: true,
  start: (port) => nodeServer("floor-workerd.mjs", port, ["game-relay"]),
  ready: (port) => `http://127.0.0.1:${port}/v1/health`,
};

/** Where a started Edgeroom keeps its storage, for scenarios that measure it on disk. */
function withPersistDir(persistTo, child) {
  child.persistTo = persistTo;
  return child;
}

/** A new on-disk home for DO SQLite, D1 and R2, with the D1 migrations applied. */
function freshPersistDir() {
  const persistTo = mkdtempSync(join(tmpdir(), "edgeroom-bench-"));
  applyLocalMigrations({ persistTo });
  return persistTo;
}

/** Waits until the server says "ready" on stdout or answers its health URL. */
export async function waitReady(system, child, port) {
  const deadline = Date.now() + 60_000;
  let said = false;
  child.stdout.on("data", (chunk) => (said ||= String(chunk).includes("ready")));
  while (Date.now() < deadline) {
    if (system.ready) {
      try {
        if ((await fetch(system.ready(port))).ok) return;
      } catch {}
    } else if (said) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become ready in 60 s");
}

/** Stops a server we started, by its process group. */
export async function stop(child) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
  await exited;
}

/**
 * Starts every named system at once (ports 9870 and up), runs `body` with them, and stops them and
 * removes their storage however `body` ends: for scripts that alternate runs between systems, so a
 * ratio is not the machine's load drifting between runs minutes apart.
 */
export async function withSystemsSideBySide(names, body) {
  const started = [];
  try {
    for (const [index, name] of names.entries()) {
      const system = SYSTEMS[name];
      const port = 9870 + index;
      const server = system.start(port);
      started.push({ name, system, port, server, results: [] });
      await waitReady(system, server, port);
    }
    return await body(started);
  } finally {
    for (const { server } of started) {
      await stop(server);
      if (server.persistTo) rmSync(server.persistTo, { recursive: true, force: true });
    }
  }
}

/** One unmeasured warm-up of each started system (unless `warm` is false), then `runs` rounds alternating between them, each result kept in its entry's `results`. */
export async function alternateRuns(started, runs, once, { warm = true } = {}) {
  if (warm) for (const entry of started) await once(entry);
  for (let i = 0; i < runs; i++) for (const entry of started) entry.results.push(await once(entry));
}

/**
 * Prints, for each started system against every one after it (the last is the scripts' reference),
 * `valueOf` of its run over the other's in the same round: the median and each round's.
 */
export function printPairRatios(started, label, valueOf) {
  for (const [i, a] of started.entries()) {
    for (const b of started.slice(i + 1)) {
      const ratios = a.results.map((r, k) => valueOf(r) / valueOf(b.results[k]));
      console.log(`${label}, ${a.name} / ${b.name}: median ${median(ratios).toFixed(2)}x (${ratios.map((x) => x.toFixed(2)).join(", ")})`);
    }
  }
}
