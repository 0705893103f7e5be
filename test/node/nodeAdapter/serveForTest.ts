// Starts the Node adapter for the tests: `node --experimental-transform-types serveForTest.ts <port> <dataDir> [notes]`.
// With `notes`, document rooms run the stand-in notes engine instead of the built-in one.
import { serve } from "../../../server/node/index.ts";
import config from "./config.ts";
import { notesEngine } from "./notesEngine.ts";

const [port, dataDir, engine] = process.argv.slice(2);
const server = await serve({
  port: Number(port),
  dataDir: dataDir!,
  config,
  engines: engine === "notes" ? { doc: notesEngine } : {},
  roomIdleMs: 500,
});
console.log(JSON.stringify({ event: "listening", url: server.url }));
