// The shared harness of the fuzz suites: seeded generators, the checks every answer must
// pass, a tally each entry point prints when done, and the proof that the service still serves.
// Case n of an entry point runs from seed FUZZ_SEED + n, so `FUZZ_SEED=<that> FUZZ_CASES=1`
// replays exactly that case.
import { env, exports } from "cloudflare:workers";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { expect } from "vitest";
import { nextRandom } from "../../protocol/match.ts";
import { BASE, type TestSocket, devToken, editFrame, encodeSyncStep1, openDoc } from "./helpers.ts";

export const SEED = Number(env.FUZZ_SEED || 20261123);
export const CASES = Number(env.FUZZ_CASES || 150);

/** A test's time limit: `msPerCase` for each case (slow, loaded machines included) plus set-up. */
export const fuzzTimeout = (msPerCase: number) => 60_000 + CASES * msPerCase;

/** A seeded generator: uniform floats, integers, choices, bytes and strings. */
export function generator(seed: number) {
  let state = seed >>> 0;
  const float = () => {
    const next = nextRandom(state);
    state = next.rngState;
    return next.value;
  };
  const int = (max: number) => Math.floor(float() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => float() < p;
  const bytes = (length: number) => Uint8Array.from({ length }, () => int(256));
  /** Any UTF-16 text, lone surrogates and control characters included. */
  const text = (length: number) => String.fromCharCode(...Array.from({ length }, () => (chance(0.7) ? 32 + int(95) : int(0x10000))));
  return { float, int, pick, chance, bytes, text };
}
export type Gen = ReturnType<typeof generator>;

/** Byte-level mutations of a valid frame: flips, truncation, insertion, duplication. */
export function mutate(g: Gen, frame: Uint8Array): Uint8Array {
  const out = [...frame];
  for (let n = 1 + g.int(4); n > 0; n--) {
    const at = g.int(out.length + 1);
    switch (g.int(4)) {
      case 0:
        if (out.length) out[Math.min(at, out.length - 1)] = g.int(256);
        break;
      case 1:
        out.length = at;
        break;
      case 2:
        out.splice(at, 0, ...g.bytes(1 + g.int(8)));
        break;
      case 3:
        out.splice(at, 0, ...out.slice(0, g.int(out.length + 1)));
        break;
    }
  }
  return Uint8Array.from(out);
}

/** A random JSON value of any shape: the wrong-type body or field. */
export function randomJson(g: Gen, depth = 0): unknown {
  switch (g.int(depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return g.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, g.int(1000)]);
    case 2:
      return g.pick([true, false]);
    case 3:
      return g.text(g.int(40));
    case 4:
      return g.pick(["", "__proto__", "constructor", "null", "<script>", "' OR 1=1 --", "\u0000", "x".repeat(5000)]);
    case 5:
      return Array.from({ length: g.int(5) }, () => randomJson(g, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: g.int(5) }, () => [g.pick(["type", "sub", "room", "role", "mode", "message", "locked", "reason", "userId", "__proto__", g.text(6)]), randomJson(g, depth + 1)]));
  }
}

/** Stack frames, source paths and error class names: none may reach a client. */
const LEAK = /\n\s+at\s|\bat [^\s]+ \(|\.(ts|js|mjs):\d+|file:\/\/|\/work\/|node_modules|[A-Za-z]*Error:/;
export const leakIn = (text: string) => LEAK.exec(text)?.[0] ?? null;

/**
 * The tally of one entry point: outcomes by close code or status, and the failed cases with
 * the seed that replays each. `report()` prints one `FUZZ_RESULT {json}` line that
 * scripts/fuzz.mjs collects, then fails the test if any case failed.
 */
export class Tally {
  readonly outcomes: Record<string, number> = {};
  readonly failures: { case: number; replay: string; problem: string }[] = [];
  #failed = 0;
  readonly #started = Date.now();

  constructor(readonly entryPoint: string) {}

  count(outcome: string | number): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  /** Records a failed case; returns whether it failed, so a loop can `continue`. */
  check(n: number, problem: string | null): boolean {
    if (problem === null) return false;
    this.#failed += 1;
    if (this.failures.length < 20) this.failures.push({ case: n, replay: `FUZZ_SEED=${SEED + n} FUZZ_CASES=1`, problem: problem.slice(0, 300) });
    return true;
  }

  report(): void {
    const summary = { entryPoint: this.entryPoint, seed: SEED, cases: CASES, outcomes: this.outcomes, failed: this.#failed, failures: this.failures, ms: Date.now() - this.#started };
    console.log(`FUZZ_RESULT ${JSON.stringify(summary)}`);
    expect(this.failures, `${this.entryPoint}: failed cases, each with the seed that replays it`).toEqual([]);
  }
}

/** What a request may earn: a 2xx (valid input), a 4xx (invalid input), either, or one status. */
export type Expect = "ok" | "4xx" | "any" | number;

/** Combines what each part of a request deserves: one invalid part makes the whole a 4xx. */
export function combine(parts: Expect[]): Expect {
  if (parts.includes("4xx")) return "4xx";
  if (parts.includes("any")) return "any";
  return "ok";
}

/**
 * Checks one HTTP answer: never a 5xx; a 2xx (or 101) only where `expected` allows it; every
 * other answer a 4xx whose JSON body carries a code and a readable message; no stack trace or
 * file path in any body or header. Returns the problem, or null. Closes an accepted socket.
 */
export async function checkAnswer(response: Response, expected: Expect): Promise<string | null> {
  const status = response.status;
  response.webSocket?.accept();
  response.webSocket?.close(1000, "fuzz done");
  const body = response.webSocket ? "" : new TextDecoder().decode(await response.arrayBuffer());
  for (const [name, value] of response.headers) {
    const leak = leakIn(value);
    if (leak) return `${status}: header ${name} leaks "${leak}"`;
  }
  const isOk = status === 101 || (status >= 200 && status < 300);
  const leak = isOk && response.headers.get("Content-Type")?.includes("octet-stream") ? null : leakIn(body);
  if (leak) return `${status}: body leaks "${leak}": ${body.slice(0, 200)}`;
  if (typeof expected === "number") {
    if (status !== expected) return `expected ${expected}, got ${status}: ${body.slice(0, 200)}`;
  } else if (isOk) {
    if (expected === "4xx") return `expected a 4xx for invalid input, got ${status}: ${body.slice(0, 200)}`;
    return null;
  } else if (status < 400 || status >= 500) {
    return `expected ${expected === "ok" ? "a 2xx" : "a 4xx"}, got ${status}: ${body.slice(0, 200)}`;
  } else if (expected === "ok") {
    return `expected a 2xx for valid input, got ${status}: ${body.slice(0, 200)}`;
  }
  if (!isOk) return checkErrorBody(status, body);
  return null;
}

function checkErrorBody(status: number, body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${status} body is not JSON: ${body.slice(0, 200)}`;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== "string" || typeof error.message !== "string" || error.message.length < 3) {
    return `${status} body has no error code and message: ${body.slice(0, 200)}`;
  }
  return null;
}

/** Sends `frame`, then a probe the room answers; resolves with the close, or null if the socket lives on. */
export async function outcome(socket: TestSocket, frame: string | Uint8Array, probe: string | Uint8Array, isAnswer: (f: string | Uint8Array) => boolean) {
  const seen = socket.frames.length;
  socket.send(frame);
  socket.send(probe);
  const answered = socket.next((f): f is string | Uint8Array => isAnswer(f), seen).then(() => null);
  return Promise.race([socket.closed, answered]);
}

/** Proof that the service still serves after a fuzz run: a document room syncs an edit, and public routes answer. */
export async function expectServiceServes(tag: string): Promise<void> {
  const room = `fuzz-after-${tag}-${SEED}`;
  const token = await devToken({ sub: "after-fuzz", room: `doc/${room}`, role: "editor" });
  const writer = await openDoc(room, token);
  const reader = await openDoc(room, token);
  reader.send(encodeSyncStep1(new Y.Doc()));
  await reader.next((f): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 1);
  const seen = reader.frames.length;
  writer.send(editFrame(new Y.Doc(), (d) => d.getText("after").insert(0, "still here")));
  const update = await reader.next((f): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 2, seen);
  const decoder = decoding.createDecoder(update);
  decoding.readVarUint(decoder); // sync
  decoding.readVarUint(decoder); // update
  const check = new Y.Doc();
  Y.applyUpdate(check, decoding.readVarUint8Array(decoder));
  expect(check.getText("after").toString()).toBe("still here");
  writer.close();
  reader.close();
  expect((await exports.default.fetch(`${BASE}/v1/health`)).status).toBe(200);
  expect((await exports.default.fetch(`${BASE}/v1/leaderboards/arena.gems`)).status).toBe(200);
}
