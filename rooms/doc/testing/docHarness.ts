// Test support: a document engine on memory ports (rooms/engine/testing/), with the joins the doc
// engine tests share. The game's counterpart is rooms/game/testing/gameHarness.ts.
import * as Y from "yjs";
import type { SqlExec } from "../../../persistence/sql.ts";
import { PROTOCOL_VERSION } from "../../../protocol/index.ts";
import type { MemorySocket } from "../../engine/testing/memorySocket.ts";
import { RecordingServices, openSocket, testPorts, type TestPorts } from "../../engine/testing/testRoom.ts";
import { DocAdmin } from "../docAdmin.ts";
import { DocEngine } from "../docEngine.ts";
import { encodeSyncStep1 } from "../frames.ts";

/** A started document engine named `name` (its path is doc/`name`), on `ports`. */
export function newDocRoom(name: string, ports: TestPorts = testPorts(name), services = new RecordingServices()) {
  const engine = new DocEngine(ports.ports, services, name);
  engine.start();
  return { name, engine, ports, services, admin: new DocAdmin(engine) };
}
export type DocTestRoom = ReturnType<typeof newDocRoom>;

/** Opens a socket as `sub` with `role`, the identity the edge would pass on; `path` is the request's path. */
export const joinDoc = (room: DocTestRoom, sub: string, role = "editor", extra: { name?: string; exp?: number } = {}, path?: string): Promise<MemorySocket> =>
  openSocket(room.engine, room.ports, { sub, role, room: `doc/${room.name}`, ...extra }, path ? { path } : {});

/** Joins and says hello as the SDK does, so the socket gets `saved` and `refused`; throws unless the room welcomed it. */
export async function joinSdkDoc(room: DocTestRoom, sub: string, role = "editor", extra: { name?: string; exp?: number } = {}): Promise<MemorySocket> {
  const socket = await joinDoc(room, sub, role, extra);
  room.engine.message(socket, JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  if (!socket.controls().some((c) => c.type === "welcome")) throw new Error(`${sub} was not welcomed: ${JSON.stringify(socket.closed)}`);
  return socket;
}

/** The seqs of the `saved` acknowledgements a socket received, in order. */
export const savedSeqs = (socket: MemorySocket): number[] => socket.controls().filter((c) => c.type === "saved").map((c) => c.seq as number);

/**
 * A started document room whose every SQL statement is shown to `see` before it runs, with `join`:
 * a stock client's socket and its sync step 1. For tests that count what a join reads or writes.
 */
export function newWatchedDocRoom(name: string, see: (query: string) => void) {
  const ports = testPorts(name);
  const exec = ports.db.sql.exec.bind(ports.db.sql);
  ports.db.sql.exec = ((query: string, ...bindings: Parameters<SqlExec["exec"]>[1][]) => {
    see(query);
    return exec(query, ...bindings);
  }) as SqlExec["exec"];
  const room = newDocRoom(name, ports);
  const join = async (sub: string): Promise<MemorySocket> => {
    const socket = await joinDoc(room, sub);
    room.engine.message(socket, encodeSyncStep1(new Y.Doc()));
    return socket;
  };
  return { ...room, join };
}
