// Spawns the Node adapter as a child process (so a test can SIGKILL it) and waits until it listens.
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { createInterface } from "node:readline";

export const SECRETS = {
  AUTH_SECRET: "node-adapter-test-auth-secret-32-bytes-long",
  ADMIN_TOKEN: "node-adapter-test-admin-token-32-bytes-long",
  DEV_TOKENS: "on",
  PUBLIC_RATE_LIMIT_PER_MINUTE: "1000000",
  ROOM_CREATIONS_PER_MINUTE: "1000000",
};

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  output: string[];
}

export async function startNodeProcess(port: number, dataDir: string, engine: "notes" | "builtin"): Promise<NodeProcess> {
  const child = spawn(process.execPath, ["--experimental-transform-types", "--no-warnings", "test/node/nodeAdapter/serveForTest.ts", String(port), dataDir, engine], {
    env: { ...process.env, ...SECRETS },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output.join("")}`)));
    lines.on("line", (line) => {
      output.push(line);
      if (line.includes('"listening"')) resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return { url, child, output };
}

export async function stopNodeProcess(server: NodeProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill(signal);
  await exited;
}

export async function devToken(url: string, sub: string, room: string, role: string): Promise<string> {
  const response = await fetch(`${url}/v1/dev/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sub, room, role }) });
  if (!response.ok) throw new Error(`dev token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** A socket's messages as a queue: `next()` resolves with the next one, whenever it arrives. */
export function messages(socket: WebSocket) {
  const queue: unknown[] = [];
  const waiting: ((value: unknown) => void)[] = [];
  socket.addEventListener("message", (event) => {
    const resolve = waiting.shift();
    if (resolve) resolve(event.data);
    else queue.push(event.data);
  });
  return { next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))) };
}

export function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("socket failed to open")), { once: true });
  });
}

/** A request with headers fetch() will not send (Host, Upgrade), through node:http. */
export function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, body = ""): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    request.end(body);
  });
}
