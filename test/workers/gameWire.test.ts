// Issue 17, item 4: the binary game wire through the real GameRoom Durable Object, beside JSON clients.
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, applyPatch, decodeWireFrame, type ServerGameMessage, type WireKeys } from "../../protocol/index.ts";
import type { TestSocket } from "./helpers.ts";
import { inRoom, message, openGame, room, send } from "./gameHelpers.ts";

/** Views by tick, as a client of either wire rebuilds them from what it was sent so far. */
function viewsByTick(socket: TestSocket): Map<number, { view: unknown; ack: number | null; isFull: boolean }> {
  const out = new Map<number, { view: unknown; ack: number | null; isFull: boolean }>();
  const keys: WireKeys = { names: [], steps: [] };
  let view: unknown = null;
  for (const frame of socket.frames) {
    if (typeof frame !== "string") {
      const decoded = decodeWireFrame(frame, view, keys);
      view = decoded.view;
      out.set(decoded.tick, { view, ack: decoded.ack, isFull: decoded.isFull });
      continue;
    }
    const m = JSON.parse(frame) as ServerGameMessage;
    if (m.type === "welcome" || m.type === "full") view = m.view;
    else if (m.type === "delta") view = applyPatch(view, m.patch);
    else continue;
    if (m.type !== "welcome") out.set(m.tick, { view, ack: m.ack, isFull: m.type === "full" });
  }
  return out;
}

async function hello(game: string, roomId: string, sub: string, wire?: string, resume?: string) {
  const socket = await openGame(game, roomId, sub);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, wire, resume }));
  return { socket, welcome: await message(socket, "welcome") };
}

const binaryFrames = (socket: TestSocket) => socket.frames.filter((f) => typeof f !== "string").length;

describe("binary game wire in a Durable Object", () => {
  it("gives a binary player the views, ticks and acks a JSON player gets, in fewer bytes", async () => {
    const bin = await hello("arena", "wire-1", "bin", "binary");
    const json = await hello("arena", "wire-1", "json");
    expect([bin.welcome.wire, json.welcome.wire]).toEqual(["binary", "json"]);
    for (let seq = 1; seq <= 6; seq++) {
      send(bin.socket, seq, { type: "move", dx: 1, dy: seq % 2 });
      send(json.socket, seq, { type: "move", dx: -1, dy: 1 });
      await message(json.socket, "delta", (m) => m.ack === seq);
    }
    await expect.poll(() => [...viewsByTick(bin.socket).values()].at(-1)?.ack).toBe(6);
    const binViews = viewsByTick(bin.socket);
    const jsonViews = viewsByTick(json.socket);
    const common = [...binViews.keys()].filter((tick) => jsonViews.has(tick));
    expect(common.length).toBeGreaterThan(3);
    for (const tick of common) expect(binViews.get(tick)!.view, `tick ${tick}`).toEqual(jsonViews.get(tick)!.view);
    const bytes = (s: TestSocket) => s.frames.reduce((n, f) => n + (typeof f === "string" ? f.length : f.byteLength), 0);
    expect(bytes(bin.socket)).toBeLessThan(bytes(json.socket));
    bin.socket.close();
    json.socket.close();
  });

  it("keeps a connection's wire across the room's eviction: a resumed binary player gets a full frame, then deltas", async () => {
    const x = await hello("tictactoe", "wire-2", "xavier", "binary");
    const o = await hello("tictactoe", "wire-2", "olga", "binary");
    send(x.socket, 1, { type: "place", cell: 4 });
    await expect.poll(() => [...viewsByTick(o.socket).values()].some((v) => JSON.stringify(v.view).includes('"X"'))).toBe(true);
    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    await expect.poll(() => inRoom("tictactoe", "wire-2", (r) => r.isTicking)).toBe(false);
    await evictDurableObject(room("tictactoe", "wire-2"));
    const back = await hello("tictactoe", "wire-2", "xavier", "binary", x.welcome.resumeToken!);
    const olga = await hello("tictactoe", "wire-2", "olga", "binary", o.welcome.resumeToken!);
    send(olga.socket, 1, { type: "place", cell: 0 });
    await expect.poll(() => [...viewsByTick(back.socket).values()].at(-1)?.view).toMatchObject({ board: ["O", "", "", "", "X", "", "", "", ""] });
    const frames = [...viewsByTick(back.socket).values()];
    expect(frames[0]!.isFull).toBe(true);
    expect(binaryFrames(back.socket)).toBe(frames.length);
    back.socket.close();
    olga.socket.close();
  });
});
