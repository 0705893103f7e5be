// The floor for this machine: a ws server that relays every message to the other clients of its room.
import { WebSocketServer } from "ws";

const port = Number(process.argv[2]);
const rooms = new Map();
const server = new WebSocketServer({ host: "127.0.0.1", port });
server.on("connection", (socket, request) => {
  const room = request.url ?? "/";
  let members = rooms.get(room);
  if (!members) rooms.set(room, (members = new Set()));
  members.add(socket);
  socket.on("message", (data, isBinary) => {
    for (const other of members) if (other !== socket && other.readyState === 1) other.send(data, { binary: isBinary });
  });
  socket.on("close", () => members.delete(socket));
});
server.on("listening", () => console.log("ready"));
