import { spawn, type ChildProcess } from "node:child_process";
// @ts-expect-error: a plain .mjs helper shared with `npm start`, no type declarations.
import { applyLocalMigrations, raisedLimitVars, spawnWranglerDev } from "../../scripts/wrangler.mjs";
import { eventually } from "./service.ts";

/**
 * Starts a private `wrangler dev` on `port` with its own state directory, migrations applied.
 * A restart on the same directory may skip them (`migrate: false`): applying them blocks this
 * process for seconds, which would hold back every client timer of a test. `vars` are passed as
 * `--var NAME:VALUE` (a webhook's URL and secret, an admin token), on top of the raised rate limits.
 */
export async function startService(
  port: number,
  persistTo: string,
  { migrate = true, vars = {} }: { migrate?: boolean; vars?: Record<string, string> } = {},
): Promise<ChildProcess> {
  // A service left on the port by an earlier run would answer the health check below, and the
  // test would kill and restart its own while talking to that one.
  if (await isServing(port)) throw new Error(`port ${port} already serves something; stop it first (a service left from an earlier run?)`);
  // E2E_ADAPTER=node: the same service on the Node adapter, which applies its migrations itself.
  if (migrate && !isNodeAdapter) applyLocalMigrations({ persistTo });
  const child: ChildProcess = isNodeAdapter
    ? spawnNodeAdapter({ port, dataDir: persistTo, vars: { ...raisedLimitVars, ...vars } })
    : spawnWranglerDev({ port, persistTo, stdio: "ignore", detached: true, vars: { ...raisedLimitVars, ...vars } });
  // If the test process ends without killTree (an uncaught error), the service goes with it.
  const killOnExit = () => {
    if (isAlive(-child.pid!)) process.kill(-child.pid!, "SIGKILL");
  };
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v1/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await killTree(child); // never leave a service behind that no test will stop
      throw new Error("wrangler dev did not become ready in 60 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const isNodeAdapter = process.env.E2E_ADAPTER === "node";

/** `edgeroom serve` from the sources, in its own process group as wrangler is, with the repo's games. */
function spawnNodeAdapter({ port, dataDir, vars }: { port: number; dataDir: string; vars: Record<string, string> }): ChildProcess {
  const args = ["--experimental-transform-types", "--no-warnings", "server/node/cli.ts", "serve", "--port", String(port), "--data", dataDir, "--config", "test/node/nodeAdapter/config.ts"];
  return spawn(process.execPath, args, { env: { ...process.env, DEV_TOKENS: "on", ...vars }, stdio: "ignore", detached: true });
}

/** SIGKILL to the whole process group: wrangler and the workerd it started get no chance to flush. */
export async function killTree(child: ChildProcess): Promise<void> {
  const hasExited = child.exitCode !== null || child.signalCode !== null;
  const exited = hasExited ? Promise.resolve() : new Promise((resolve) => child.once("exit", resolve));
  if (isAlive(-child.pid!)) process.kill(-child.pid!, "SIGKILL"); // the group may outlive wrangler (workerd)
  await exited;
  await eventually(() => !isAlive(-child.pid!), 10_000, "the process group to die");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function isServing(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/v1/health`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}
