#!/usr/bin/env node
/**
 * `npx edgeroom serve --port 8787 --data ./edgeroom-data [--host 127.0.0.1] [--config ./edgeroom.config.js] [--assets ./dist]`:
 * the Node adapter as a command. The config module's default export is what createEdgeroom takes
 * (games, auth, origins, limits, hooks); without one the server runs documents only. Secrets and
 * variables come from the environment by their README names (AUTH_SECRET, ADMIN_TOKEN, ...).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { EdgeroomConfig } from "../edgeroom.ts";
import { serve } from "./index.ts";

const USAGE = "usage: edgeroom serve --port <port> --data <folder> [--host <address>] [--config <module>] [--assets <folder>]";

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== "serve") throw new UsageError(command === undefined ? USAGE : `unknown command "${command}"\n${USAGE}`);
  const { values } = parseArgs({
    args: rest,
    options: { port: { type: "string", default: "8787" }, data: { type: "string", default: "./edgeroom-data" }, host: { type: "string", default: "127.0.0.1" }, config: { type: "string" }, assets: { type: "string" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const config = values.config ? await loadConfig(values.config) : { games: [] };
  const assets = values.assets === undefined ? undefined : resolve(values.assets);
  const server = await serve({ port, host: values.host, dataDir: resolve(values.data!), config, assets });
  console.log(JSON.stringify({ event: "listening", url: server.url, data: resolve(values.data!) }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function loadConfig(path: string): Promise<EdgeroomConfig> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as { default?: EdgeroomConfig };
  if (!module.default) throw new UsageError(`${path} has no default export; export default { games: [...] }`);
  return module.default;
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
