// The y-websocket reference server (@y/websocket-server), in memory.
import http from "node:http";
import { WebSocketServer } from "ws";
import { setupWSConnection } from "@y/websocket-server/utils";

const port = Number(process.argv[2]);
const server = http.createServer((_req, res) => res.end("ok"));
const wss = new WebSocketServer({ server });
wss.on("connection", (socket, request) => setupWSConnection(socket, request));
server.listen(port, "127.0.0.1", () => console.log("ready"));
