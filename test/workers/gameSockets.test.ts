// How a game room holds its sockets (GameRoom.options): a realtime game's room (GameDefinition.realtime,
// arena and crowd) accepts plain sockets, whose messages reach the request that accepted them; a
// turn-based room (tic-tac-toe) accepts hibernatable ones, which outlive an eviction.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { arena } from "../../games/arena.ts";
import { crowd } from "../../games/crowd.ts";
import { tictactoe } from "../../games/tictactoe.ts";
import type { GameRoom } from "../../rooms/game/GameRoom.ts";
import { inRoom, join, message, room, send } from "./gameHelpers.ts";

/** Sockets the runtime holds as hibernatable, and sockets the room serves. */
const socketsOf = (game: string, roomId: string) =>
  runInDurableObject(room(game, roomId), (r: GameRoom, state) => ({ hibernatable: state.getWebSockets().length, served: r.connectionsInfo().length }));

describe("a game room's sockets", () => {
  it("the realtime games are declared so; tic-tac-toe is not", () => {
    expect(arena.realtime).toBe(true);
    expect(crowd.realtime).toBe(true);
    expect(tictactoe.realtime).toBeFalsy();
  });

  it("a realtime room (arena) serves its players and spectators on sockets that are not hibernatable", async () => {
    const roomId = "plain-sockets";
    const player = await join("arena", roomId, "ada");
    const watcher = await join("arena", roomId, "wanda", { role: "spectator" });
    expect(await socketsOf("arena", roomId)).toEqual({ hibernatable: 0, served: 2 });
    // Inputs, acks, views, a kick's close code and a leave all work on them.
    for (let seq = 1; seq <= 3; seq++) send(player.socket, seq, { type: "move", dx: 1, dy: 0 });
    await message(player.socket, "delta", (m) => m.ack === 3);
    await message(watcher.socket, "delta");
    expect(await inRoom("arena", roomId, (r) => r.kick({ sub: "wanda" }, "bye"))).toBe(1);
    expect((await watcher.socket.closed).code).toBe(4403);
    player.socket.close();
    await expect.poll(() => inRoom("arena", roomId, (r) => r.connectionsInfo().length)).toBe(0);
    await expect.poll(() => inRoom("arena", roomId, (r) => r.isTicking)).toBe(false);
  });

  it("a turn-based room (tic-tac-toe) keeps hibernatable sockets, which outlive an eviction", async () => {
    const roomId = "hibernatable-sockets";
    const x = await join("tictactoe", roomId, "xavier");
    const watcher = await join("tictactoe", roomId, "wanda", { role: "spectator" });
    expect(await socketsOf("tictactoe", roomId)).toEqual({ hibernatable: 2, served: 2 });
    x.socket.close();
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking)).toBe(false);
    await evictDurableObject(room("tictactoe", roomId));
    expect(await socketsOf("tictactoe", roomId)).toEqual({ hibernatable: 1, served: 1 });
    watcher.socket.send(JSON.stringify({ type: "ping", t: 1 }));
    await message(watcher.socket, "pong");
    watcher.socket.close();
  });
});
