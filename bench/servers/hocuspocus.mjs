// Hocuspocus in its default configuration, in memory.
import { Server } from "@hocuspocus/server";

const port = Number(process.argv[2]);
const server = new Server({ port, address: "127.0.0.1", quiet: true });
await server.listen();
console.log("ready");
