// Colyseus 0.18 (@colyseus/core + ws-transport), in memory, in its default configuration but for
// the two rooms the benchmarks need:
// - "fanout": relays every binary message to the room's other clients (the work bare-ws does);
// - "arena": Edgeroom's arena rules (rooms/game/SPEC.md A1-A7) as a Schema state, ticked at 20 Hz
//   and patched at the standard 50 ms patch rate. Each player's `ack` is the last input seq applied,
//   as in Edgeroom's deltas, so a client can time input -> acknowledged state the same way.
import { Room, Server } from "@colyseus/core";
import { schema, t } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";

const port = Number(process.argv[2]);

// The arena's constants, copied from games/arena.ts.
const ARENA_WIDTH = 800;
const ARENA_HEIGHT = 600;
const PLAYER_SPEED = 240;
const PICKUP_RADIUS = 24;
const GEM_COUNT = 5;
const MATCH_MS = 60_000;
const RESTART_DELAY_MS = 5_000;
const TICK_MS = 50;
/** Edgeroom's crowd variant seats 100; the fan-out scenario needs 500 receivers and a sender. */
const ARENA_MAX_CLIENTS = 100;
const FANOUT_MAX_CLIENTS = 600;

// Whole units fit uint16; a Colyseus developer would pick these widths, so the patch sizes are fair to it.
const Player = schema(
  {
    x: t.uint16().default(0),
    y: t.uint16().default(0),
    score: t.uint16().default(0),
    ack: t.uint32().default(0),
    dx: t.int8().noSync().default(0),
    dy: t.int8().noSync().default(0),
  },
  "Player",
);
const Gem = schema({ x: t.uint16().default(0), y: t.uint16().default(0) }, "Gem");
const ArenaState = schema(
  { tick: t.uint32().default(0), timeLeftMs: t.uint32().default(MATCH_MS), players: t.map(Player), gems: t.map(Gem) },
  "ArenaState",
);

const clamp = (value, max) => Math.min(max, Math.max(0, value));
const isDirection = (v) => v === -1 || v === 0 || v === 1;

class FanoutRoom extends Room {
  maxClients = FANOUT_MAX_CLIENTS;

  onCreate() {
    this.onMessageBytes(0, (client, bytes) => this.broadcastBytes(0, bytes, { except: client }));
  }
}

class ArenaRoom extends Room {
  maxClients = ARENA_MAX_CLIENTS;
  patchRate = TICK_MS;
  state = new ArenaState();
  nextGemId = 0;
  restartAt = null;

  onCreate() {
    this.onMessage("move", (client, input) => {
      const player = this.state.players.get(client.sessionId);
      if (!player || typeof input !== "object" || input === null) return;
      const { seq, dx, dy } = input;
      // [G3] a stale seq is ignored; [A7] so is any input after the end.
      if (!Number.isInteger(seq) || seq <= player.ack || !isDirection(dx) || !isDirection(dy)) return;
      player.ack = seq;
      if (this.state.timeLeftMs <= 0) return;
      player.dx = dx;
      player.dy = dy;
    });
    // setTimestep is 0.18's name for setSimulationInterval; the rules use the fixed tick length, as Edgeroom's do.
    this.setTimestep(() => this.tick(), TICK_MS);
  }

  onJoin(client) {
    this.spawnPlayer(client.sessionId);
  }

  onLeave(client) {
    this.state.players.delete(client.sessionId);
  }

  spawnPlayer(id) {
    const player = new Player();
    player.x = Math.round(Math.random() * ARENA_WIDTH);
    player.y = Math.round(Math.random() * ARENA_HEIGHT);
    this.state.players.set(id, player);
    while (this.state.gems.size < GEM_COUNT) this.spawnGem();
  }

  spawnGem() {
    const gem = new Gem();
    gem.x = Math.round(PICKUP_RADIUS + Math.random() * (ARENA_WIDTH - 2 * PICKUP_RADIUS));
    gem.y = Math.round(PICKUP_RADIUS + Math.random() * (ARENA_HEIGHT - 2 * PICKUP_RADIUS));
    this.state.gems.set(`g${this.nextGemId++}`, gem);
  }

  tick() {
    const state = this.state;
    if (state.timeLeftMs <= 0) return this.maybeRestart();
    state.tick += 1;
    state.timeLeftMs = Math.max(0, state.timeLeftMs - TICK_MS);
    const step = (PLAYER_SPEED * TICK_MS) / 1000;
    state.players.forEach((player) => {
      const norm = player.dx !== 0 && player.dy !== 0 ? Math.SQRT1_2 : 1;
      player.x = Math.round(clamp(player.x + player.dx * step * norm, ARENA_WIDTH));
      player.y = Math.round(clamp(player.y + player.dy * step * norm, ARENA_HEIGHT));
      for (const [gemId, gem] of state.gems) {
        if (Math.hypot(gem.x - player.x, gem.y - player.y) <= PICKUP_RADIUS) {
          player.score += 1;
          state.gems.delete(gemId);
          this.spawnGem();
        }
      }
    });
    if (state.timeLeftMs <= 0) this.restartAt = Date.now() + RESTART_DELAY_MS;
  }

  /** [R5] a new match with the seated players 5 s after the end. */
  maybeRestart() {
    if (this.restartAt === null || Date.now() < this.restartAt) return;
    this.restartAt = null;
    this.state.timeLeftMs = MATCH_MS;
    this.state.gems.clear();
    for (const id of [...this.state.players.keys()]) this.spawnPlayer(id);
  }
}

const server = new Server({ transport: new WebSocketTransport(), greet: false, gracefullyShutdown: false });
server.define("fanout", FanoutRoom).filterBy(["key"]);
server.define("arena", ArenaRoom).filterBy(["key"]);
await server.listen(port, "127.0.0.1");
console.log("ready");
