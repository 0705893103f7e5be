// The game scenarios: N players in one authoritative 20 Hz arena room (Edgeroom's game room or a
// Colyseus room with the same rules), and a join storm. Each player sends a move 20 times a second
// with a seq; a state message whose ack covers the seq acknowledges it. Bounded in count and time.
//
// Standalone: node bench/game.mjs --system=edgeroom|colyseus --players=8 [--seconds=10] [--storm=500] [--port=9880] [--wire=json,binary,binary2]
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { colyseusSystem } from "./colyseusClient.mjs";
import { treeCpuSeconds } from "./cpu.mjs";
import { ColyseusPlayer, EdgeroomPlayer, gameToken, quickMatch } from "./gamePlayers.mjs";
import { percentile } from "./stats.mjs";
import { pinLoadGenerator } from "./pinning.mjs";
import { SYSTEMS, stop, waitReady } from "./systems.mjs";

/** Both rooms tick at 20 Hz; players send one input per tick. */
const TICK_MS = 50;
/** Chance that an input turns the player to a new random direction; otherwise it repeats the last one. */
const TURN_PROBABILITY = 0.2;
/** Inputs and states before the measured window, so joins and JIT warm-up stay out of it. */
const WARMUP_MS = 2_000;
/** How long joins may take before the run fails. */
const JOIN_TIMEOUT_MS = 60_000;
/** How long the inputs of the window may wait for their ack after it closes; later ones count as unacked. */
const ACK_GRACE_MS = 2_000;
/** Largest room either system is asked to hold; also Edgeroom's `crowd` seats. */
const MAX_PLAYERS = 100;
/** Edgeroom's `arena` seats 8; bigger rooms play `crowd`, the same rules with 100 seats (rooms/game/SPEC.md C1). */
const ARENA_SEATS = 8;
/** How long closing waits for Colyseus leaves to complete. */
const LEAVE_TIMEOUT_MS = 5_000;

const nonce = () => Math.random().toString(36).slice(2, 8);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function kindOf(system) {
  if (system.protocol === "colyseus") return "colyseus";
  if (system.needsToken && system.ready) return "edgeroom";
  throw new Error("the game scenarios run on edgeroom and colyseus only");
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts `count` players joining one fresh room; each player's `first` resolves with its first state. */
async function openPlayers(kind, system, port, count, label, wire) {
  const room = `${label}-${nonce()}`;
  if (kind === "colyseus") {
    const started = performance.now();
    const players = Array.from({ length: count }, () => new ColyseusPlayer(system.url(port), room));
    return { started, players, game: "arena", room };
  }
  // Subs are spelled in every path of Edgeroom's JSON deltas, so their length shows in the bytes: 9-10 chars here.
  const game = count <= ARENA_SEATS ? "arena" : "crowd";
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => gameToken(port, `player-${i}`)));
  const started = performance.now();
  const players = tokens.map((token) => new EdgeroomPlayer(`ws://127.0.0.1:${port}/v1/game/${game}/${room}?token=${token}`, wire));
  return { started, players, game, room };
}

/**
 * Game tick: `players` in one room, inputs at 20/s each for WARMUP_MS then `seconds` measured.
 * Tick time cannot be read inside workerd (its clocks stand still while code runs), so both systems
 * are measured from outside: server CPU over the window per tick elapsed (/proc, the whole process
 * tree), and the spacing of state messages as clients see it.
 */
export async function gameTick(system, port, server, { players: count, seconds = 10, wire = "json" }) {
  if (!(count >= 1 && count <= MAX_PLAYERS)) throw new Error(`players must be 1..${MAX_PLAYERS}`);
  const kind = kindOf(system);
  const { started, players, game } = await openPlayers(kind, system, port, count, "tick", wire);
  try {
    return await playAndMeasure(players, started, server, { count, seconds, game });
  } finally {
    await closeAll(players);
  }
}

/** Closes every player and waits (boundedly) for Colyseus leaves to reach the server. */
async function closeAll(players) {
  await Promise.race([Promise.allSettled(players.map((p) => p.close())), sleep(LEAVE_TIMEOUT_MS)]);
}

async function playAndMeasure(players, started, server, { count, seconds, game }) {
  const firsts = await withTimeout(Promise.all(players.map((p) => p.first)), JOIN_TIMEOUT_MS, `joining ${count} players`);
  const joinMs = Math.max(...firsts.map((f) => f.at)) - started;

  let measuring = false;
  const latencies = [];
  const stateBytes = [];
  const intervals = [];
  let fullStates = 0;
  let framesBytes = 0;
  const ticks = { first: null, last: null };
  const states = players.map((player, index) => {
    const s = { seq: 0, dx: 0, dy: 0, pending: [], lastStateAt: null };
    player.onFrame = (_at, bytes) => {
      if (measuring) framesBytes += bytes;
    };
    player.onState = (at, bytes, tick, ack, isFull) => {
      if (measuring) {
        stateBytes.push(bytes);
        if (s.lastStateAt !== null) intervals.push(at - s.lastStateAt);
        if (isFull) fullStates += 1;
        if (index === 0) {
          ticks.first ??= tick;
          ticks.last = tick;
        }
      }
      s.lastStateAt = at;
      while (s.pending.length > 0 && s.pending[0].seq <= ack) {
        const input = s.pending.shift();
        if (input.isMeasured) latencies.push(at - input.at);
      }
    };
    return s;
  });

  // One input per tick per player, each player at its own phase, as real clients would be.
  let sending = true;
  const timers = players.map((player, i) => {
    const s = states[i];
    const sendOne = () => {
      if (!sending) return;
      if (Math.random() < TURN_PROBABILITY) {
        s.dx = Math.floor(Math.random() * 3) - 1;
        s.dy = Math.floor(Math.random() * 3) - 1;
      }
      s.seq += 1;
      s.pending.push({ seq: s.seq, at: performance.now(), isMeasured: measuring });
      player.send(s.seq, s.dx, s.dy);
    };
    const timer = { interval: null };
    timer.start = setTimeout(() => (timer.interval = setInterval(sendOne, TICK_MS)), Math.random() * TICK_MS);
    return timer;
  });

  await sleep(WARMUP_MS);
  const cpuBefore = treeCpuSeconds(server.pid);
  const loadBefore = process.cpuUsage();
  const windowStarted = performance.now();
  measuring = true;
  await sleep(seconds * 1000);
  measuring = false;
  const windowMs = performance.now() - windowStarted;
  const cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
  const load = process.cpuUsage(loadBefore);
  sending = false;
  for (const t of timers) {
    clearTimeout(t.start);
    clearInterval(t.interval);
  }
  const deadline = performance.now() + ACK_GRACE_MS;
  const unacked = () => states.reduce((n, s) => n + s.pending.filter((p) => p.isMeasured).length, 0);
  while (unacked() > 0 && performance.now() < deadline) await sleep(20);
  const lostAcks = unacked();

  const tickCount = ticks.last !== null && ticks.first !== null ? ticks.last - ticks.first : 0;
  return {
    game,
    players: count,
    joinMs,
    inputAckP50Ms: percentile(latencies, 50),
    inputAckP99Ms: percentile(latencies, 99),
    inputsAcked: latencies.length,
    inputsUnacked: lostAcks,
    stateBytesMean: stateBytes.length ? stateBytes.reduce((a, b) => a + b, 0) / stateBytes.length : null,
    stateBytesP99: percentile(stateBytes, 99),
    fullStates,
    bytesPerClientPerSecond: framesBytes / count / (windowMs / 1000),
    ticksPerSecond: tickCount / (windowMs / 1000),
    serverCpuMsPerTick: tickCount > 0 ? (cpuSeconds * 1000) / tickCount : null,
    serverCpuPercent: (cpuSeconds * 100) / (windowMs / 1000),
    stateIntervalP50Ms: percentile(intervals, 50),
    stateIntervalP99Ms: percentile(intervals, 99),
    loadGeneratorCpuPercent: ((load.user + load.system) / 1e3 / windowMs) * 100,
    unexpectedCloses: players.reduce((n, p) => n + p.closedUnexpectedly, 0),
    firstUnexpectedClose: players.find((p) => p.closedWith)?.closedWith ?? null,
    errors: players.reduce((n, p) => n + p.errors, 0),
    // Other work on this 2-core machine skews every number; a 1-minute load above ~2 says so.
    loadAverage1m: loadavg()[0],
  };
}

/**
 * Join storm: `clients` players join at once, and the time until every one has its first state.
 * Neither system is asked to put 500 players in one game room: Edgeroom seats at most 100 (crowd) and
 * 64 spectators, so both matchmake the players into rooms of 100 with their own quick-join
 * (Edgeroom: POST /v1/match/crowd then the socket; Colyseus: joinOrCreate on a 100-client arena).
 * Tokens are fetched before the clock starts; every room ticks at 20 Hz while it fills.
 */
export async function joinStorm(system, port, server, { clients = 500, wire = "json" }) {
  const kind = kindOf(system);
  const key = `storm-${nonce()}`;
  const open = [];
  let closing = false;
  let started;
  let players;
  /** Edgeroom's joins, ms from the start: match answered, socket open, welcome (as bench/gameStormPhases.mjs). */
  const phases = { matched: [], opened: [], joined: [] };
  if (kind === "colyseus") {
    started = performance.now();
    players = Array.from({ length: clients }, () => new ColyseusPlayer(system.url(port), key));
  } else {
    const tokens = await Promise.all(Array.from({ length: clients }, (_, i) => gameToken(port, `${key}-${i}`)));
    started = performance.now();
    players = tokens.map((token) => ({ first: matchAndJoin(port, token, wire, (player) => (closing ? player.close() : open.push(player)), phases, started) }));
  }
  const cpuBefore = treeCpuSeconds(server.pid);
  const loadBefore = process.cpuUsage();
  let settled;
  let cpuSeconds;
  let load;
  try {
    settled = await withTimeout(Promise.allSettled(players.map((p) => p.first)), JOIN_TIMEOUT_MS, `joining ${clients} clients`);
    cpuSeconds = treeCpuSeconds(server.pid) - cpuBefore;
    load = process.cpuUsage(loadBefore);
  } finally {
    // Colyseus players are the entries of `players`; Edgeroom's sockets are collected in `open` as they are made.
    closing = true;
    await closeAll([...players.filter((p) => p.close), ...open]);
  }
  const joined = settled.filter((r) => r.status === "fulfilled").map((r) => r.value);
  const times = joined.map((j) => j.at - started);
  return {
    clients,
    joined: joined.length,
    failed: clients - joined.length,
    firstError: settled.find((r) => r.status === "rejected")?.reason?.message ?? null,
    rooms: new Set(joined.map((j) => j.roomId)).size,
    joinAllMs: times.length ? Math.max(...times) : null,
    joinP50Ms: percentile(times, 50),
    joinP99Ms: percentile(times, 99),
    serverCpuSeconds: cpuSeconds,
    loadGeneratorCpuSeconds: (load.user + load.system) / 1e6,
    loadAverage1m: loadavg()[0],
    ...(phases.matched.length > 0 ? { phasesMs: phaseSummary(phases, times) } : {}),
  };
}

/** p50/p90/max of each phase, so a slow round shows which one grew. */
function phaseSummary(phases, joinedTimes) {
  const at = (values) => [50, 90].map((p) => Math.round(percentile(values, p))).concat(Math.round(Math.max(...values))).join("/");
  return { matched: at(phases.matched), opened: at(phases.opened), joined: at(joinedTimes) };
}

/**
 * Edgeroom's quick join: the matchmaker picks a crowd room with a free seat, then the player connects.
 * `overSocket`: in one request, WebSocket /v1/match/crowd/join, whose welcome names the room (the
 * "matched" phase is then the socket's open).
 */
export async function matchAndJoin(port, token, wire, onOpen, phases, started, { overSocket = false } = {}) {
  if (overSocket) {
    const player = new EdgeroomPlayer(`ws://127.0.0.1:${port}/v1/match/crowd/join?token=${token}`, wire);
    player.opened.then(() => {
      const at = performance.now() - started;
      phases.matched.push(at);
      phases.opened.push(at);
    });
    onOpen(player);
    return player.first;
  }
  const response = await quickMatch(port, token);
  if (!response.ok) throw new Error(`match: ${response.status} ${await response.text()}`);
  const { roomId, region } = await response.json();
  phases.matched.push(performance.now() - started);
  // The room's region goes with the socket, as the SDK's joinOrCreate sends it (client-sdk/index.ts).
  const inRegion = region && region !== "any" ? `&region=${region}` : "";
  const player = new EdgeroomPlayer(`ws://127.0.0.1:${port}/v1/game/crowd/${roomId}?token=${token}${inRegion}`, wire);
  player.opened.then(() => phases.opened.push(performance.now() - started));
  onOpen(player);
  const { at } = await player.first;
  return { at, roomId };
}

async function main() {
  const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  const name = arg("system", "colyseus");
  const system = name === "colyseus" ? colyseusSystem : SYSTEMS[name];
  if (!system) throw new Error(`unknown system ${name}`);
  const port = Number(arg("port", "9880"));
  if (!(port >= 9880 && port <= 9889)) throw new Error("use a port in 9880-9889");
  const server = system.start(port);
  try {
    await waitReady(system, server, port);
    // --wire=json,binary: each Edgeroom wire in turn on the same server.
    for (const wire of kindOf(system) === "edgeroom" ? arg("wire", "json").split(",") : ["-"]) {
      for (const players of arg("players", "8").split(",").map(Number)) {
        console.log(name, wire, `game tick ${players}`, await gameTick(system, port, server, { players, seconds: Number(arg("seconds", "10")), wire }));
        await sleep(1_000);
      }
      const storm = Number(arg("storm", "0"));
      if (storm > 0) console.log(name, wire, `join storm ${storm}`, await joinStorm(system, port, server, { clients: storm, wire }));
    }
  } finally {
    await stop(server);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  pinLoadGenerator();
  await main();
  process.exit(0);
}
