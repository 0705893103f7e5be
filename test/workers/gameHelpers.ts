import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { ServerGameMessage } from "../../protocol/index.ts";
import type { GameRoom } from "../../rooms/game/GameRoom.ts";
import { BASE, TestSocket, devToken } from "./helpers.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

export type Msg<T extends ServerGameMessage["type"]> = Extract<ServerGameMessage, { type: T }>;

export const token = (sub: string, role = "player") => devToken({ sub, room: "game/*", role });
export const room = (game: string, roomId: string) => env.GameRoom.getByName(`${game}:${roomId}`);
export const inRoom = <R>(game: string, roomId: string, fn: (room: GameRoom) => R) =>
  runInDurableObject(room(game, roomId), (instance: GameRoom) => fn(instance));

export async function openGame(game: string, roomId: string, sub: string, role = "player", query = ""): Promise<TestSocket> {
  const response = await exports.default.fetch(`${BASE}/v1/game/${game}/${roomId}?token=${await token(sub, role)}${query}`, {
    headers: { Upgrade: "websocket" },
  });
  if (!response.webSocket) throw new Error(`refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

export function message<T extends ServerGameMessage["type"]>(socket: TestSocket, type: T, where: (m: Msg<T>) => boolean = () => true, seen = 0) {
  return socket
    .next((f): f is string => {
      if (typeof f !== "string") return false;
      const m = JSON.parse(f) as ServerGameMessage;
      return m.type === type && where(m as Msg<T>);
    }, seen)
    .then((f) => JSON.parse(f) as Msg<T>);
}

export async function join(game: string, roomId: string, sub: string, options: { role?: string; resume?: string } = {}) {
  const socket = await openGame(game, roomId, sub, options.role);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, resume: options.resume }));
  const welcome = await message(socket, "welcome");
  return { socket, welcome };
}

export const send = (socket: TestSocket, seq: number, input: unknown) => socket.send(JSON.stringify({ type: "input", seq, input }));


/** Plays tic-tac-toe in `roomId` until X wins; returns the match_over message and both sockets. */
export async function playTicTacToeWin(roomId: string, xSub = "xavier", oSub = "olga") {
  const x = await join("tictactoe", roomId, xSub);
  const o = await join("tictactoe", roomId, oSub);
  const moves: [TestSocket, number][] = [[x.socket, 0], [o.socket, 3], [x.socket, 1], [o.socket, 4], [x.socket, 2]];
  const seqs = new Map<TestSocket, number>();
  const overPromise = message(o.socket, "match_over");
  for (const [socket, cell] of moves) {
    const seq = (seqs.get(socket) ?? 0) + 1;
    seqs.set(socket, seq);
    send(socket, seq, { type: "place", cell });
    await message(socket, "delta", (m) => m.ack === seq);
  }
  return { over: await overPromise, x, o };
}
