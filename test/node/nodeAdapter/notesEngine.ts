// A stand-in room engine for the Node host's tests: it keeps every text message as a note in the
// room's SQLite, acknowledges it through afterDurable, and replays the notes to each new socket.
import type { RoomPorts, RoomSocket } from "../../../rooms/engine/ports.ts";
import type { NodeRoomEngine } from "../../../server/node/roomHost.ts";

export function notesEngine(ports: RoomPorts): NodeRoomEngine & Record<string, unknown> {
  const { sql } = ports.db;
  sql.exec("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
  return {
    connect(socket: RoomSocket, request: Request) {
      socket.attach({ path: new URL(request.url).pathname });
      for (const row of sql.exec<{ text: string }>("SELECT text FROM note ORDER BY id").toArray()) socket.send(`note:${row.text}`);
      socket.send("ready");
    },
    message(socket: RoomSocket, data: string | Uint8Array) {
      if (typeof data !== "string") return socket.close(4400, "text only");
      ports.db.transactionSync(() => sql.exec("INSERT INTO note (text) VALUES (?)", data));
      ports.durability.afterDurable(() => socket.send(`saved:${data}`));
    },
    close() {},
    alarm() {},
    exists: () => sql.exec<{ n: number }>("SELECT count(*) AS n FROM note").one().n > 0,
  };
}
