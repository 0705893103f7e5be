// Issue 17, item 4: the binary game wire, negotiated in hello, next to JSON clients in one room.
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { arena } from "../../../games/arena.ts";
import { applyPatch, decodeWireFrame, defineGame, GameLimits, type ServerGameMessage, type WireKeys } from "../../../protocol/index.ts";
import { gameHarness, type TestSocket } from "./gameHarness.ts";

/** What a client makes of everything a socket was sent so far: its view, tick and ack. */
class Client {
  view: unknown = null;
  tick = 0;
  ack = 0;
  matchId: string | null = null;
  readonly keys: WireKeys = { names: [], steps: [] };
  #text = 0;
  #bytes = 0;
  constructor(readonly socket: TestSocket) {}

  read(): this {
    for (const text of this.socket.sent.slice(this.#text)) {
      const m = JSON.parse(text) as ServerGameMessage;
      if (m.type === "welcome" || m.type === "full") Object.assign(this, { view: m.view, tick: m.tick, ack: m.ack, matchId: m.matchId });
      if (m.type === "delta") Object.assign(this, { view: applyPatch(this.view, m.patch), tick: m.tick, ack: m.ack });
    }
    this.#text = this.socket.sent.length;
    for (const bytes of this.socket.binary.slice(this.#bytes)) {
      const frame = decodeWireFrame(bytes, this.view, this.keys);
      Object.assign(this, { view: frame.view, tick: frame.tick });
      if (frame.ack !== null) this.ack = frame.ack;
      if (frame.matchId !== undefined) this.matchId = frame.matchId;
    }
    this.#bytes = this.socket.binary.length;
    return this;
  }
}

const move = (seq: number, dx: number, dy: number) => ({ type: "input", seq, input: { type: "move", dx, dy } });

/** A game whose view differs per player: each sees its own secret and everyone's public count. */
const secrets = defineGame({
  name: "secrets",
  version: "1",
  input: z.object({ add: z.number() }),
  maxPlayers: 4,
  tickRateHz: 10,
  precision: { value: 0.25 },
  setup: (): { players: Record<string, { secret: number; value: number }> } => ({ players: {} }),
  onJoin: (s, id) => void (s.players[id] = { secret: id.length, value: 0 }),
  onLeave: (s, id) => void delete s.players[id],
  onInput: (s, id, input) => void (s.players[id]!.value += input.add),
  onTick: () => {},
  view: (s, playerId: string | null) => ({
    mine: playerId ? s.players[playerId] ?? null : null,
    values: Object.fromEntries(Object.entries(s.players).map(([id, p]) => [id, p.value])),
  }),
  result: () => ({ isOver: false, scores: {}, winners: [] }),
});

describe("binary game wire in a room", () => {
  it("gives a binary player, a JSON player and spectators of each wire the same views, ticks and acks, across a match's end", async () => {
    const room = gameHarness(arena);
    const bin = new Client(await room.join("bin", { wire: "binary" }));
    const json = new Client(await room.join("json"));
    const binWatcher = new Client(await room.join("watch-bin", { role: "spectator", wire: "binary" }));
    const jsonWatcher = new Client(await room.join("watch-json", { role: "spectator" }));
    expect(bin.socket.last("welcome")).toMatchObject({ wire: "binary", role: "player" });
    expect(json.socket.last("welcome")).toMatchObject({ wire: "json" });
    let seq = 0;
    // Past the 60 s match, its restart delay and into the next match.
    const ticks = (60_000 + GameLimits.RESTART_DELAY_MS + 2_000) / 50;
    for (let t = 1; t <= ticks; t++) {
      if (t % 3 === 0) {
        seq += 1;
        room.say(bin.socket, move(seq, (t % 5) - 2 > 0 ? 1 : -1, t % 2 ? 1 : 0));
        room.say(json.socket, move(seq, t % 2 ? -1 : 1, (t % 7) - 3 > 0 ? 1 : -1));
      }
      room.tick();
      for (const c of [bin, json, binWatcher, jsonWatcher]) c.read();
      expect(bin.view, `tick ${t}`).toEqual(json.view);
      expect(binWatcher.view, `tick ${t}`).toEqual(jsonWatcher.view);
      expect([bin.tick, bin.ack, bin.matchId]).toEqual([json.tick, json.ack, json.matchId]);
    }
    expect(bin.socket.sent.filter((t) => /"type":"(full|delta)"/.test(t))).toEqual([]);
    expect(json.socket.binary).toEqual([]);
    expect(new Set([bin.matchId, json.matchId]).size).toBe(1);
    expect(bin.socket.last("match_over")).toBeDefined();
    // A spectator gets the shared frames only; a player's carry its ack in front.
    expect(binWatcher.socket.binary.every((f) => (f[0]! & 0x80) === 0)).toBe(true);
    expect(bin.socket.binary.every((f) => (f[0]! & 0x80) !== 0)).toBe(true);
  });

  it("keeps per-player views apart on the binary wire, quantised to the game's precision", async () => {
    const room = gameHarness(secrets);
    const anna = new Client(await room.join("anna", { wire: "binary" }));
    const bob = new Client(await room.join("bob"));
    for (let i = 1; i <= 20; i++) {
      room.say(anna.socket, { type: "input", seq: i, input: { add: 0.3 } });
      room.say(bob.socket, { type: "input", seq: i, input: { add: 1 } });
      room.tick();
      anna.read();
      bob.read();
      const exact = 0.3 * i;
      const seen = anna.view as { mine: { secret: number; value: number }; values: Record<string, number> };
      expect(seen.mine.secret).toBe(4);
      expect(Math.abs(seen.mine.value - exact)).toBeLessThanOrEqual(0.125 + 1e-9);
      expect(seen.values.bob).toBe(i);
      expect((bob.view as { mine: { secret: number } }).mine.secret).toBe(3);
      expect(anna.ack).toBe(i);
    }
  });

  it("answers an unknown wire with JSON, as old servers answer every hello", async () => {
    const room = gameHarness(arena);
    const other = await room.join("p", { wire: "carrier-pigeon" });
    room.tick(2);
    expect(other.last("welcome")).toMatchObject({ wire: "json" });
    expect(other.binary).toEqual([]);
    expect(other.last("delta") ?? other.last("full")).toBeDefined();
  });
});
