// Issue 17, joins: a join to a room that exists writes nothing to the room's SQLite. In a Durable
// Object every write gives its turn a commit that the turn's messages wait for (the output gate),
// so a join storm that wrote per join paid one commit per socket before the room's frames left.
import { expect, it } from "vitest";
import * as Y from "yjs";
import type { SqlExec } from "../../persistence/sql.ts";
import { RecordingServices, openSocket, testPorts } from "../engine/testing/testRoom.ts";
import { DocEngine } from "./docEngine.ts";
import { encodeSyncStep1 } from "./frames.ts";

const ROOM = "join-writes";

it("a join to a room that exists, with its handshake and sync, writes nothing to the room's SQLite", async () => {
  const ports = testPorts(ROOM);
  const writes: string[] = [];
  const exec = ports.db.sql.exec.bind(ports.db.sql);
  ports.db.sql.exec = ((query: string, ...bindings: Parameters<SqlExec["exec"]>[1][]) => {
    if (/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(query)) writes.push(query);
    return exec(query, ...bindings);
  }) as SqlExec["exec"];
  const engine = new DocEngine(ports.ports, new RecordingServices(), ROOM);
  engine.start();
  const join = async (sub: string) => {
    const socket = await openSocket(engine, ports, { sub, role: "editor", room: `doc/${ROOM}` });
    engine.message(socket, encodeSyncStep1(new Y.Doc()));
    return socket;
  };
  await join("creator"); // creates the room and reports it to the directory
  await join("second"); // the directory's entry changed since that report: marked for the next one
  writes.length = 0;

  await join("third");
  await join("fourth");
  expect(writes).toEqual([]);
});
