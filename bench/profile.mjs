// Profiles the room: Edgeroom on plain workerd with its inspector open, one fan-out run under
// V8's sampling profiler, the top functions by self time printed and the profile written to
// bench/results/room.cpuprofile (open it in Chrome DevTools).
// Usage: npm run bench:profile [-- fanout|writers|typing|typing50|game|storm|docstorm|match] [--system=edgeroom-workerd|y-partyserver|do-relay] (typing: one editor at 500 edits/s, one observer; typing50: the same with 50 observers) (game, storm: EDGEROOM_WIRE=json for the JSON wire;
// docstorm: the floors' connection storm, 500 document clients at once; match: 500 quick-join requests
// at once, POST /v1/match/crowd, each with its own player's token)
import { writeFileSync } from "node:fs";
import { fanOut } from "./scenarios.mjs";
import { SYSTEMS, stop, waitReady } from "./systems.mjs";
import { manyWriters, typing } from "./typing.mjs";
import { gameTick, joinStorm } from "./game.mjs";
import { gameToken, quickMatch } from "./gamePlayers.mjs";
import { connectionStorm } from "./storm.mjs";

const PORT = 9876;
const INSPECTOR_PORT = 9877;
const SCENARIOS = {
  fanout: (system, server, scale) => fanOut(system, PORT, server, { receivers: 100, messages: 50 * scale }),
  writers: (system, server, scale) => manyWriters(system, PORT, server, { writers: 50, perSecond: 5, seconds: 3 * scale }),
  typing: (system, server, scale) => typing(system, PORT, server, { rate: 500, observers: 1, seconds: 6 * scale }),
  typing50: (system, server, scale) => typing(system, PORT, server, { rate: 500, observers: 50, seconds: 6 * scale }),
  game: (system, server, scale) => gameTick(system, PORT, server, { players: 100, seconds: 5 * scale, wire: process.env.EDGEROOM_WIRE ?? "binary2" }),
  storm: (system, server, scale) => joinStorm(system, PORT, server, { clients: Math.round(500 * scale), wire: process.env.EDGEROOM_WIRE ?? "binary2" }),
  docstorm: (system, server, scale) => connectionStorm(system, PORT, server, { clients: Math.round(500 * scale) }),
  match: (_system, _server, scale) => matchRequests(Math.round(500 * scale)),
};

/** `count` quick-join requests at once, each with a token of its own (fetched first); how many answered 200. */
async function matchRequests(count) {
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => gameToken(PORT, `profile-${Math.random().toString(36).slice(2, 8)}-${i}`)));
  const statuses = await Promise.all(
    tokens.map((token) =>
      quickMatch(PORT, token).then(async (r) => (await r.arrayBuffer(), r.status)),
    ),
  );
  return { requests: count, answered200: statuses.filter((s) => s === 200).length };
}
const args = process.argv.slice(2);
const scenario = SCENARIOS[args.find((a) => !a.startsWith("--")) ?? "fanout"];
if (!scenario) throw new Error(`scenarios: ${Object.keys(SCENARIOS).join(", ")}`);
/** The worker's name in workerd's inspector, per system that runs on one workerd process. */
const WORKER_NAMES = { "edgeroom-workerd": "edgeroom", "y-partyserver": "y-partyserver", "do-relay": "do-relay" };
const systemName = args.find((a) => a.startsWith("--system="))?.slice("--system=".length) ?? "edgeroom-workerd";
if (!WORKER_NAMES[systemName]) throw new Error(`--system: one of ${Object.keys(WORKER_NAMES).join(", ")}`);

process.env.EDGEROOM_INSPECTOR_PORT = String(INSPECTOR_PORT);
const system = SYSTEMS[systemName];
const server = system.start(PORT);
try {
  await waitReady(system, server, PORT);
  await scenario(system, server, 0.4); // warm-up: rooms, JIT
  const inspector = await connect(`ws://127.0.0.1:${INSPECTOR_PORT}/core:user:${WORKER_NAMES[systemName]}`);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 100 });
  await inspector.call("Profiler.start");
  const result = await scenario(system, server, 1);
  const { profile } = await inspector.call("Profiler.stop");
  inspector.close();
  writeFileSync(new URL("./results/room.cpuprofile", import.meta.url), JSON.stringify(profile));
  console.log(result);
  printTop(profile, 25);
} finally {
  await stop(server);
}

/** A minimal Chrome DevTools Protocol client over the global WebSocket. */
function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const pending = new Map();
    let nextId = 0;
    socket.onerror = () => reject(new Error(`inspector at ${url} refused`));
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    };
    socket.onopen = () =>
      resolve({
        call: (method, params = {}) =>
          new Promise((resolveCall, rejectCall) => {
            const id = ++nextId;
            pending.set(id, { resolve: resolveCall, reject: rejectCall });
            socket.send(JSON.stringify({ id, method, params }));
          }),
        close: () => socket.close(),
      });
  });
}

/** Self time per function, from the profile's samples. */
function printTop(profile, count) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const intervals = profile.timeDeltas;
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
    const us = intervals[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
  console.log(`sampled ${(total / 1000).toFixed(0)} ms in the worker's isolate`);
  for (const [key, us] of rows) console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
}
