// One user must not fill a room (issue 13, section 4): connections per `sub` are capped, a socket
// that never completes its handshake is closed by the alarm, game rooms cap the sockets waiting
// for hello, and near the cap editors and players get in before viewers and spectators.
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocLimits, GameLimits, RoomLimits, PROTOCOL_VERSION } from "../../protocol/index.ts";
import type { DocRoom } from "../../rooms/doc/DocRoom.ts";
import type { GameRoom } from "../../rooms/game/GameRoom.ts";
import { decodeFrame, encodeQueryAwareness, encodeSyncStep1 } from "../../rooms/doc/frames.ts";
import { arena } from "../../games/arena.ts";
import { join, message, openGame, room } from "./gameHelpers.ts";
import { type Closed, type TestSocket, devToken, openDoc, openSdkDoc } from "./helpers.ts";

const PER_SUB = RoomLimits.MAX_CONNECTIONS_PER_SUB;
const HANDSHAKE_S = RoomLimits.HANDSHAKE_TIMEOUT_MS / 1000;
const docToken = (sub: string, role: "editor" | "viewer") => devToken({ sub, room: "doc/*", role });
const docRoom = (roomId: string) => env.DocRoom.getByName(roomId);

/** "served" once the room answers a query_awareness, or the close the room sent instead. */
async function docOutcome(socket: TestSocket): Promise<"served" | Closed> {
  const seen = socket.frames.length;
  socket.send(encodeQueryAwareness());
  const awareness = socket.next((f): f is Uint8Array => typeof f !== "string" && decodeFrame(f).type === "awareness", seen);
  return Promise.race([socket.closed, awareness.then(() => "served" as const)]);
}

/** "welcomed" once the room answers hello, or the close the room sent instead. */
async function gameOutcome(socket: TestSocket): Promise<"welcomed" | Closed> {
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  return Promise.race([socket.closed, message(socket, "welcome").then(() => "welcomed" as const)]);
}

/** Users the room lists as connected (open sockets that passed admission), sorted. */
const connectedUsers = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (r: DocRoom | GameRoom) => r.connectionsInfo().map((c) => c.user).sort());

/** Moves every connection's opening time `ms` into the past, as if that long had gone by. */
const ageConnections = (stub: DurableObjectStub, ms: number) =>
  runInDurableObject(stub, (r: DocRoom | GameRoom) => {
    for (const connection of r.getConnections<{ connectedAt: number }>()) {
      const state = connection.state!;
      connection.setState({ ...state, connectedAt: state.connectedAt - ms });
    }
  });

describe(`at most ${PER_SUB} connections per sub in one room`, () => {
  it(`a document room closes socket ${PER_SUB + 1} of one viewer with 4429; other users still join, and a freed slot is the sub's again`, async () => {
    const roomId = "per-sub-doc";
    const token = await docToken("hoarder", "viewer");
    const kept: TestSocket[] = [];
    for (let i = 0; i < PER_SUB; i++) {
      kept.push(await openDoc(roomId, token));
      expect(await docOutcome(kept[i]!)).toBe("served");
    }
    const extra = await openDoc(roomId, token);
    expect(await docOutcome(extra)).toEqual({ code: 4429, reason: `you hold ${PER_SUB} connections to this room already` });
    const other = await openDoc(roomId, await docToken("someone-else", "viewer"));
    expect(await docOutcome(other)).toBe("served");
    // The cap counts live connections: one closes, and the same sub gets a slot again.
    kept[0]!.close();
    await expect.poll(async () => (await connectedUsers(docRoom(roomId))).filter((u) => u === "hoarder").length).toBe(PER_SUB - 1);
    const again = await openDoc(roomId, token);
    expect(await docOutcome(again)).toBe("served");
    for (const socket of [...kept.slice(1), other, again]) socket.close();
  });

  it(`a game room closes socket ${PER_SUB + 1} of one sub with 4429, before any hello`, async () => {
    const roomId = "per-sub-game";
    const kept = [];
    for (let i = 0; i < PER_SUB; i++) kept.push((await join("arena", roomId, "watcher", { role: "spectator" })).socket);
    const extra = await openGame("arena", roomId, "watcher", "spectator");
    expect(await gameOutcome(extra)).toEqual({ code: 4429, reason: `you hold ${PER_SUB} connections to this room already` });
    const player = await openGame("arena", roomId, "player-1");
    expect(await gameOutcome(player)).toBe("welcomed");
    for (const socket of [...kept, player]) socket.close();
  });
});

describe(`a socket that does not complete its handshake within ${HANDSHAKE_S} s is closed with 4408`, () => {
  it(`a game socket without hello is closed by the alarm, even after the room hibernated; one that said hello stays`, async () => {
    const roomId = "silent-game";
    // Tic-tac-toe: a turn-based room's sockets are hibernatable (an arena room's are not, GameRoom.options).
    const stub = () => room("tictactoe", roomId);
    const talker = await join("tictactoe", roomId, "talker", { role: "spectator" });
    const silent = await openGame("tictactoe", roomId, "silent");
    // Too early: the alarm leaves a socket that still has time.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await connectedUsers(stub())).toEqual(["silent", "talker"]);
    // The deadline lives in the attachment, not in the instance's memory.
    await evictDurableObject(stub());
    await ageConnections(stub(), RoomLimits.HANDSHAKE_TIMEOUT_MS);
    expect(await runDurableObjectAlarm(stub()), "the room set its alarm for the deadline").toBe(true);
    expect(await connectedUsers(stub())).toEqual(["talker"]);
    expect(await silent.closed).toEqual({ code: 4408, reason: `no hello within ${HANDSHAKE_S} s` });
    talker.socket.send(JSON.stringify({ type: "ping", t: 1 }));
    await message(talker.socket, "pong");
    talker.socket.close();
  });

  it("a document socket that sends nothing is closed by the alarm; a stock client's sync and the SDK's hello each complete the handshake", async () => {
    const roomId = "silent-doc";
    const stock = await openDoc(roomId, await docToken("stock", "viewer"));
    stock.send(encodeSyncStep1(new Y.Doc()));
    await stock.next((f): f is Uint8Array => typeof f !== "string" && decodeFrame(f).type === "update");
    const sdk = await openSdkDoc(roomId, await docToken("sdk", "editor"));
    const silent = await openDoc(roomId, await docToken("silent", "editor"));
    expect(await runDurableObjectAlarm(docRoom(roomId))).toBe(true);
    expect(await connectedUsers(docRoom(roomId))).toEqual(["sdk", "silent", "stock"]);
    await evictDurableObject(docRoom(roomId));
    await ageConnections(docRoom(roomId), RoomLimits.HANDSHAKE_TIMEOUT_MS);
    expect(await runDurableObjectAlarm(docRoom(roomId)), "the room set its alarm for the deadline").toBe(true);
    expect(await connectedUsers(docRoom(roomId))).toEqual(["sdk", "stock"]);
    expect(await silent.closed).toEqual({ code: 4408, reason: `no sync or hello within ${HANDSHAKE_S} s` });
    for (const socket of [stock, sdk]) expect(await docOutcome(socket)).toBe("served");
    stock.close();
    sdk.close();
  });
});

describe("game rooms cap the sockets waiting for hello, and keep part of them for players", () => {
  const waitingCap = arena.maxPlayers + GameLimits.MAX_SPECTATORS;

  it(`an arena room holds ${waitingCap} waiting sockets (its seats and spectator places), of which spectators take at most ${GameLimits.MAX_SPECTATORS}`, async () => {
    const roomId = "waiting-game";
    const spectators = await Promise.all(Array.from({ length: GameLimits.MAX_SPECTATORS }, (_, i) => openGame("arena", roomId, `spec-${i}`, "spectator")));
    // The waiting room is near its cap: a spectator is refused, a player still gets in.
    const lateSpectator = await openGame("arena", roomId, "late-spectator", "spectator");
    expect(await gameOutcome(lateSpectator)).toMatchObject({ code: 4409, reason: expect.stringContaining("kept for players") });
    const players = await Promise.all(Array.from({ length: arena.maxPlayers }, (_, i) => openGame("arena", roomId, `player-${i}`)));
    const latePlayer = await openGame("arena", roomId, "late-player");
    expect(await gameOutcome(latePlayer)).toEqual({ code: 4409, reason: `room is full (${waitingCap} connections waiting for hello)` });
    expect((await connectedUsers(room("arena", roomId))).length).toBe(waitingCap);
    // A hello moves a socket out of the waiting room, and frees its place.
    expect(await gameOutcome(players[0]!)).toBe("welcomed");
    expect(await gameOutcome(await openGame("arena", roomId, "later-player"))).toBe("welcomed");
    for (const socket of [...spectators, ...players]) socket.close();
  }, 60_000);
});

describe(`near its ${DocLimits.MAX_CONNECTIONS} connections a document room admits editors before viewers`, () => {
  const open = DocLimits.MAX_CONNECTIONS - DocLimits.CONNECTIONS_KEPT_FOR_EDITORS;

  it(`with ${open} connections a viewer is refused with 4409 and an editor is admitted`, async () => {
    const roomId = "near-full-doc";
    const tokens = await Promise.all(Array.from({ length: open / PER_SUB }, (_, i) => docToken(`viewer-${i}`, "viewer")));
    const sockets = await Promise.all(Array.from({ length: open }, (_, i) => openDoc(roomId, tokens[i % tokens.length]!)));
    const viewer = await openDoc(roomId, await docToken("late-viewer", "viewer"));
    expect(await docOutcome(viewer)).toEqual({
      code: 4409,
      reason: `room is full for viewers: the last ${DocLimits.CONNECTIONS_KEPT_FOR_EDITORS} of ${DocLimits.MAX_CONNECTIONS} connections are kept for editors`,
    });
    const editor = await openDoc(roomId, await docToken("late-editor", "editor"));
    expect(await docOutcome(editor)).toBe("served");
    for (const socket of [...sockets, editor]) socket.close();
  }, 120_000); // opens 950 sockets
});
