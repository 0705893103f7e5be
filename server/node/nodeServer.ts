import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { env as workersEnv } from "cloudflare:workers";
import { createEdgeroom, type EdgeroomConfig } from "../edgeroom.ts";
import { createNodeEnv, type NodeEnvOptions } from "./nodeEnv.ts";
import { HostFullError } from "./objectHost.ts";
import { attachSocket } from "./roomHost.ts";
import { serveAsset } from "./staticAssets.ts";

/** Largest request body the server reads, in bytes; the routes' own bounds are far lower. */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Largest WebSocket message `ws` accepts, in bytes: Cloudflare's own limit (32 MiB), so a room sees every
 * frame workerd would hand it and closes an oversize one with its own code (4413 past DocLimits.MAX_MESSAGE_BYTES);
 * past this, `ws` closes with 1009 as workerd does.
 */
const MAX_WS_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface NodeServerOptions extends NodeEnvOptions {
  port: number;
  /** The address to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  config: EdgeroomConfig;
  /** A folder of static pages served for paths outside /v1/, as wrangler.toml's [assets]; none by default. */
  assets?: string;
}

export interface RunningServer {
  /** `http://host:port`. */
  url: string;
  env: Env;
  close(): Promise<void>;
}

/**
 * One Node process serving the Worker's app: HTTP through the same Hono routes, WebSocket upgrades
 * through the same checks (a room agrees with a pending accept, then `ws` completes the upgrade and
 * the socket goes to the room's engine). The client's address is put in CF-Connecting-IP, as
 * Cloudflare does, so loopback-only development tokens and per-address limits see the real client.
 */
export async function startNodeServer(options: NodeServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const nodeEnv = createNodeEnv(options);
  // The Worker's modules read `env` from cloudflare:workers at load time (development-token warning).
  Object.assign(workersEnv, nodeEnv.env);
  const edgeroom = createEdgeroom(options.config);
  const executionContext = (): ExecutionContext =>
    ({ waitUntil: (promise: Promise<unknown>) => void promise.catch((error) => console.error(JSON.stringify({ event: "wait_until_failed", error: String(error) }))), passThroughOnException: () => {}, props: {} }) as unknown as ExecutionContext;
  const answer = async (request: Request): Promise<Response> => {
    try {
      const asset = options.assets ? await serveAsset(options.assets, request) : null;
      if (asset) return asset;
      return await edgeroom.fetch(request, nodeEnv.env, executionContext());
    } catch (error) {
      const isFull = error instanceof HostFullError;
      if (!isFull) console.error(JSON.stringify({ event: "request_failed", error: String(error) }));
      return Response.json({ error: { code: isFull ? "server_busy" : "internal", message: isFull ? error.message : "internal error" } }, { status: isFull ? 503 : 500 });
    }
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES, perMessageDeflate: false });
  const server = createServer(async (req, res) => {
    const request = await toRequest(req, host).catch(() => null);
    if (!request) return writeResponse(res, Response.json({ error: { code: "body_too_large", message: `bodies are at most ${MAX_BODY_BYTES} bytes` } }, { status: 413 }));
    const response = await answer(request);
    // A room's pending accept outside an upgrade: the route checks Upgrade, so this is not reached in practice.
    if (nodeEnv.pending.take(response)) return writeResponse(res, Response.json({ error: { code: "upgrade_required", message: "expected a WebSocket upgrade" } }, { status: 426 }));
    await writeResponse(res, response);
  });
  server.on("upgrade", async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const request = await toRequest(req, host);
    const response = await answer(request);
    const accept = nodeEnv.pending.take(response);
    if (!accept) return writeRawResponse(socket, response);
    wss.handleUpgrade(req, socket, head, (ws) => {
      attachSocket(accept.namespace, accept.name, ws, accept.request).catch((error) => {
        console.error(JSON.stringify({ event: "socket_attach_failed", room: accept.name, error: String(error) }));
        ws.close(1011, "internal error");
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    env: nodeEnv.env,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open for seconds.
      server.closeAllConnections();
      await closed;
      nodeEnv.close();
    },
  };
}

/** The request as the Worker sees it: the Host the client asked for, and the client's address in CF-Connecting-IP. */
async function toRequest(req: IncomingMessage, bindHost: string): Promise<Request> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? bindHost}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  headers.set("CF-Connecting-IP", clientAddress(req));
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = hasBody ? await readBody(req) : undefined;
  return new Request(url, { method: req.method, headers, body });
}

/** `::ffff:127.0.0.1`, as a dual-stack socket reports an IPv4 client, is 127.0.0.1. */
const normalizeAddress = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

const LOOPBACK_PEERS = new Set(["127.0.0.1", "::1"]);

/**
 * The client's address, which the Worker reads from CF-Connecting-IP (loopback-only development
 * tokens, per-address rate limits). A peer on another machine is the client, whatever its headers
 * say. A peer on this machine may be a reverse proxy (nginx, Caddy, cloudflared) relaying someone
 * else: its CF-Connecting-IP, else the last X-Forwarded-For entry (the one the proxy itself
 * appended), names the client, so a proxy that rewrites Host to 127.0.0.1 does not make every
 * visitor loopback. A process on the machine could claim any address anyway.
 */
function clientAddress(req: IncomingMessage): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  if (!LOOPBACK_PEERS.has(peer)) return peer;
  const relayed = req.headers["cf-connecting-ip"];
  if (typeof relayed === "string" && relayed.trim() !== "") return normalizeAddress(relayed.trim());
  const forwarded = req.headers["x-forwarded-for"];
  const last = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").at(-1)?.trim();
  return last ? normalizeAddress(last) : peer;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.appendHeader(name, value);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** A refused upgrade (401, 403, 404, 426...) as plain HTTP on the raw socket, with its JSON body. */
async function writeRawResponse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? "Error"}`];
  for (const [name, value] of response.headers) if (name !== "content-length" && name !== "connection") lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${body.length}`, "Connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n")), body]));
}
