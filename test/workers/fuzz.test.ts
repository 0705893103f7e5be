// Seeded fuzzing of the socket entry points: y-protocols frames and the handshake of document
// rooms, and the messages of game rooms. Each case comes from its own seed (FUZZ_SEED + case
// number), so a failure names the case that replays it. FUZZ_CASES raises the count (long mode).
import { env } from "cloudflare:workers";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/closeCodes.ts";
import { nextRandom } from "../../protocol/match.ts";
import { openGame } from "./gameHelpers.ts";
import { type TestSocket, devToken, editFrame, encodeSyncStep1, openDoc } from "./helpers.ts";

const SEED = Number(env.FUZZ_SEED || 20261123);
const CASES = Number(env.FUZZ_CASES || 150);

/** A seeded generator: uniform floats, integers and choices. */
function generator(seed: number) {
  let state = seed >>> 0;
  const float = () => {
    const next = nextRandom(state);
    state = next.rngState;
    return next.value;
  };
  const int = (max: number) => Math.floor(float() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (length: number) => Uint8Array.from({ length }, () => int(256));
  return { float, int, pick, bytes };
}
type Gen = ReturnType<typeof generator>;

/** Byte-level mutations of a valid frame: flips, truncation, insertion, duplication. */
function mutate(g: Gen, frame: Uint8Array): Uint8Array {
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

const validDocFrames = (() => {
  const doc = new Y.Doc();
  return [
    editFrame(doc, (d) => d.getText("t").insert(0, "hello")),
    editFrame(doc, (d) => d.getMap("m").set("k", { nested: [1, 2, 3] })),
    editFrame(doc, (d) => d.getText("t").delete(1, 2)),
    encodeSyncStep1(doc),
    Uint8Array.from([1, 1, 42, 1, 2, 123, 125]), // awareness: one client, clock 1, "{}"
    Uint8Array.from([3]), // query awareness
  ];
})();

/** A hostile document frame: random bytes, a mutated valid frame, or a text frame that is not a hello. */
function docCase(g: Gen): string | Uint8Array {
  switch (g.int(4)) {
    case 0:
      return g.bytes(g.int(64));
    case 1:
    case 2:
      return mutate(g, g.pick(validDocFrames));
    default:
      return g.pick([
        "",
        "{",
        "null",
        JSON.stringify({ type: "hello" }),
        JSON.stringify({ type: "hello", protocol: g.int(5) - 1 }),
        JSON.stringify({ type: "hello", protocol: "1" }),
        JSON.stringify({ type: g.pick(["saved", "welcome", "x"]), protocol: 1 }),
        JSON.stringify({ type: "hello", protocol: 1, extra: "x".repeat(g.int(200)) }),
        "\u0000".repeat(g.int(10)),
      ]);
  }
}

/** A hostile game message: random bytes, broken JSON, wrong shapes, inputs outside the schema. */
function gameCase(g: Gen): string | Uint8Array {
  switch (g.int(5)) {
    case 0:
      return g.bytes(1 + g.int(64));
    case 1:
      return JSON.stringify({ type: "input", seq: g.int(10) - 3, input: { type: "move", dx: g.int(5) - 2, dy: g.pick([0, 1, "1", null]) } });
    case 2:
      return JSON.stringify({ type: g.pick(["input", "hello", "ping", "x", ""]), seq: g.pick([1, -1, 1.5, "2", null, 2 ** 60]), t: g.pick([0, "x"]), protocol: g.pick([1, 0, 99, "1"]) });
    case 3:
      return JSON.stringify({ type: "input", seq: 1 + g.int(1000), input: g.pick([null, [], "move", { type: "move" }, { type: "place", cell: 4 }, { type: "move", dx: 1, dy: 1, extra: "x".repeat(g.int(3000)) }]) });
    default: {
      const text = JSON.stringify({ type: "ping", t: 1 });
      return text.slice(0, g.int(text.length)) + String.fromCharCode(g.int(128));
    }
  }
}

/** The codes a hostile frame may earn. Anything else (1006, 1011, 4500) means the room broke. */
const DOCUMENTED = new Set<number>([CloseCode.BAD_MESSAGE, CloseCode.MESSAGE_TOO_LARGE, CloseCode.VERSION_MISMATCH, CloseCode.RATE_LIMITED, CloseCode.DOCUMENT_TOO_LARGE]);

/** Sends `frame`, then a probe the room answers; resolves with the close, or null if the socket lives on. */
async function outcome(socket: TestSocket, frame: string | Uint8Array, probe: string | Uint8Array, isAnswer: (f: string | Uint8Array) => boolean) {
  const seen = socket.frames.length;
  socket.send(frame);
  socket.send(probe);
  const answered = socket.next((f): f is string | Uint8Array => isAnswer(f), seen).then(() => null);
  return Promise.race([socket.closed, answered]);
}

function expectCleanClose(closed: { code: number; reason: string }, which: string) {
  expect(DOCUMENTED.has(closed.code), `${which}: close ${closed.code} "${closed.reason}"`).toBe(true);
  expect(closed.reason, which).not.toMatch(/\bat .*\.(ts|js):\d+|Error:/);
}

describe("fuzzed socket input", () => {
  it(`document rooms answer ${CASES} hostile frames with a documented close or keep serving, and the room keeps working`, async () => {
    const room = `fuzz-doc-${SEED}`;
    const token = await devToken({ sub: "fuzzer", room: `doc/${room}`, role: "editor" });
    const writerDoc = new Y.Doc();
    const writer = await openDoc(room, token);
    const reader = await openDoc(room, token);
    const probe = encodeSyncStep1(new Y.Doc());
    const isStep2 = (f: string | Uint8Array) => typeof f !== "string" && f[0] === 0 && f[1] === 1;
    let closes = 0;
    for (let n = 0; n < CASES; n++) {
      const which = `case ${n} (FUZZ_SEED=${SEED}, seed ${SEED + n})`;
      const socket = await openDoc(room, token);
      const closed = await outcome(socket, docCase(generator(SEED + n)), probe, isStep2);
      if (closed) {
        closes += 1;
        expectCleanClose(closed, which);
      } else socket.close();
    }
    // Hostile input is refused, not swallowed: most cases must have closed their socket.
    expect(closes).toBeGreaterThan(CASES / 3);
    // The room still serves its other clients.
    const seen = reader.frames.length;
    writer.send(editFrame(writerDoc, (d) => d.getText("after").insert(0, "still here")));
    const update = await reader.next((f): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 2, seen);
    const decoder = decoding.createDecoder(update);
    decoding.readVarUint(decoder); // sync
    decoding.readVarUint(decoder); // update
    const check = new Y.Doc();
    Y.applyUpdate(check, decoding.readVarUint8Array(decoder));
    expect(check.getText("after").toString()).toBe("still here");
    writer.close();
    reader.close();
  });

  it(`game rooms answer ${CASES} hostile messages with an error or a documented close, and the match keeps ticking`, async () => {
    const room = `fuzz-game-${SEED}`;
    const player = await openGame("arena", room, "steady");
    player.send(JSON.stringify({ type: "hello", protocol: 1 }));
    await player.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "welcome");
    const probe = JSON.stringify({ type: "ping", t: 7 });
    const isPongOrError = (f: string | Uint8Array) => typeof f === "string" && ["pong", "error"].includes(JSON.parse(f).type);
    let closes = 0;
    let errors = 0;
    for (let n = 0; n < CASES; n++) {
      const which = `case ${n} (FUZZ_SEED=${SEED}, seed ${SEED + n})`;
      const socket = await openGame("arena", room, `fuzzer-${n % 4}`, n % 3 === 0 ? "spectator" : "player");
      socket.send(JSON.stringify({ type: "hello", protocol: 1 }));
      const closed = await outcome(socket, gameCase(generator(SEED + n)), probe, isPongOrError);
      if (closed) {
        closes += 1;
        expect([...DOCUMENTED, CloseCode.ROOM_FULL, CloseCode.REPLACED]).toContain(closed.code);
        expect(closed.reason, which).not.toMatch(/\bat .*\.(ts|js):\d+|Error:/);
      } else {
        errors += socket.frames.some((f) => typeof f === "string" && JSON.parse(f).type === "error") ? 1 : 0;
        socket.close();
      }
    }
    expect(closes + errors).toBeGreaterThan(CASES / 3);
    // The steady player still gets ticks.
    const seen = player.frames.length;
    await player.next((f): f is string => typeof f === "string" && ["delta", "full"].includes(JSON.parse(f).type), seen);
    player.close();
  });
});
