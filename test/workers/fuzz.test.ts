// Seeded fuzzing of the socket entry points: y-protocols frames of document rooms, the
// handshake of both room kinds, and the messages of game rooms (harness in fuzzKit.ts).
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/closeCodes.ts";
import { openGame } from "./gameHelpers.ts";
import { devToken, editFrame, encodeSyncStep1, openDoc } from "./helpers.ts";
import { CASES, type Gen, SEED, Tally, expectServiceServes, fuzzTimeout, generator, leakIn, mutate, outcome } from "./fuzzKit.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

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

/** A hostile document frame: random bytes or a mutated valid frame. */
function docCase(g: Gen): Uint8Array {
  return g.chance(0.3) ? g.bytes(g.int(64)) : mutate(g, g.pick(validDocFrames));
}

/** A hello, valid or not, and whether a room must welcome it. */
function helloCase(g: Gen, game: boolean): { frame: string; isValid: boolean | null } {
  const protocol = g.pick<unknown>([1, 1, 1, 0, 2, 99, -1, 1.5, "1", null, 2 ** 53]);
  const resume = g.pick<unknown>([undefined, undefined, "", "x".repeat(64), "x".repeat(65), g.text(20), 5, null]);
  const hello: Record<string, unknown> = { type: g.pick(["hello", "hello", "hello", "HELLO", "welcome", "ping", ""]), protocol };
  if (game && resume !== undefined) hello.resume = resume;
  if (g.chance(0.1)) delete hello[g.pick(["type", "protocol"])];
  if (g.chance(0.1)) hello[g.pick(["extra", "__proto__", "constructor"])] = g.text(g.int(200));
  const text = JSON.stringify(hello);
  switch (g.int(8)) {
    case 0:
      return { frame: text.slice(0, g.int(text.length)), isValid: false };
    case 1:
      return { frame: g.pick(["", "{", "null", "[]", "\u0000".repeat(1 + g.int(10)), g.text(g.int(100))]), isValid: false };
    default: {
      const isResumeOk = !game || resume === undefined || (typeof resume === "string" && resume.length <= 64);
      const isShapeOk = hello.type === "hello" && typeof hello.protocol === "number" && Number.isInteger(hello.protocol) && hello.protocol >= 0 && isResumeOk;
      const hasExtra = Object.keys(hello).some((k) => !["type", "protocol", "resume"].includes(k));
      return { frame: text, isValid: isShapeOk ? (hasExtra ? null : hello.protocol === 1) : false };
    }
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
const GAME_DOCUMENTED = new Set<number>([...DOCUMENTED, CloseCode.ROOM_FULL, CloseCode.REPLACED]);

function closeProblem(closed: { code: number; reason: string }, allowed: Set<number>): string | null {
  if (!allowed.has(closed.code)) return `closed with undocumented ${closed.code} "${closed.reason}"`;
  const leak = leakIn(closed.reason);
  return leak ? `close reason leaks "${leak}"` : null;
}

const isType = (f: string | Uint8Array, ...types: string[]) => typeof f === "string" && types.includes(JSON.parse(f).type);

describe("fuzzed socket input", () => {
  it(`document rooms answer ${CASES} hostile frames with a documented close or keep serving, and the room keeps working`, { timeout: fuzzTimeout(300) }, async () => {
    const tally = new Tally("doc frames");
    const room = `fuzz-doc-${SEED}`;
    const token = await devToken({ sub: "fuzzer", room: `doc/${room}`, role: "editor" });
    const probe = encodeSyncStep1(new Y.Doc());
    const isStep2 = (f: string | Uint8Array) => typeof f !== "string" && f[0] === 0 && f[1] === 1;
    for (let n = 0; n < CASES; n++) {
      const socket = await openDoc(room, token);
      const closed = await outcome(socket, docCase(generator(SEED + n)), probe, isStep2);
      tally.count(closed ? closed.code : "served");
      if (closed) tally.check(n, closeProblem(closed, DOCUMENTED));
      else socket.close();
    }
    tally.report();
    // Hostile input is refused, not swallowed: most cases must have closed their socket.
    expect(CASES - (tally.outcomes.served ?? 0)).toBeGreaterThan(CASES / 3);
    await expectServiceServes("doc");
  });

  it(`document and game rooms answer ${CASES} fuzzed hellos with a welcome to every valid one and to no invalid one, else a documented close`, { timeout: fuzzTimeout(300) }, async () => {
    const tally = new Tally("handshake");
    const docRoom = `fuzz-hello-${SEED}`;
    const docToken = await devToken({ sub: "fuzzer", room: `doc/${docRoom}`, role: "editor" });
    let valid = 0;
    for (let n = 0; n < CASES; n++) {
      const g = generator(SEED + n);
      const isGame = g.chance(0.5);
      const { frame, isValid } = helloCase(g, isGame);
      if (isValid === true) valid += 1;
      // A fresh game room every 4 cases keeps seats free, so a valid hello can be welcomed.
      const socket = isGame ? await openGame("arena", `fuzz-hello-${SEED}-${n >> 2}`, `fuzzer-${n}`, g.pick(["player", "spectator"])) : await openDoc(docRoom, docToken);
      const seen = socket.frames.length;
      socket.send(frame);
      const answer = await Promise.race([socket.closed, socket.next((f): f is string => isType(f, "welcome", "error"), seen)]);
      const kind = isGame ? "game" : "doc";
      if (typeof answer === "string") {
        const type: string = JSON.parse(answer).type;
        tally.count(`${kind} ${type}`);
        if (type === "welcome" && isValid === false) tally.check(n, `welcomed an invalid hello: ${frame.slice(0, 200)}`);
        if (type === "error" && isValid === true) tally.check(n, `refused a valid hello: ${answer}`);
        socket.close();
      } else {
        tally.count(`${kind} ${answer.code}`);
        // Every room here has free seats and every fuzzer its own name: no close is excused for a
        // valid hello, and 4409 or 4410 is a wrong answer to any hello.
        if (isValid === true) tally.check(n, `closed ${answer.code} "${answer.reason}" on a valid hello: ${frame}`);
        else tally.check(n, closeProblem(answer, DOCUMENTED));
      }
    }
    tally.report();
    // About 6% of the cases are valid; 150 hold none with odds of about 1 in 10,000. A replay of a few cases may hold none.
    if (CASES >= 150) expect(valid, "valid hellos among the cases, each of which had to be welcomed").toBeGreaterThan(0);
    await expectServiceServes("hello");
  });

  it(`game rooms answer ${CASES} hostile messages with an error or a documented close, and the match keeps ticking`, { timeout: fuzzTimeout(300) }, async () => {
    const tally = new Tally("game messages");
    const room = `fuzz-game-${SEED}`;
    const player = await openGame("arena", room, "steady");
    // A reading client echoes the room's read probes; one that never does is closed, in a long run too.
    player.ws.addEventListener("message", (event) => {
      if (typeof event.data === "string" && isType(event.data, "probe")) player.send(JSON.stringify({ type: "probe" }));
    });
    player.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await player.next((f): f is string => isType(f, "welcome"));
    const probe = JSON.stringify({ type: "ping", t: 7 });
    for (let n = 0; n < CASES; n++) {
      const g = generator(SEED + n);
      const socket = await openGame("arena", room, `fuzzer-${g.int(4)}`, g.chance(0.33) ? "spectator" : "player");
      socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
      const closed = await outcome(socket, gameCase(g), probe, (f) => isType(f, "pong", "error"));
      if (closed) {
        tally.count(closed.code);
        tally.check(n, closeProblem(closed, GAME_DOCUMENTED));
      } else {
        const errors = socket.frames.filter((f): f is string => isType(f, "error"));
        tally.count(errors.length ? "error" : "served");
        tally.check(n, errors.map((f) => leakIn(f) && `error frame leaks "${leakIn(f)}": ${f.slice(0, 200)}`).find(Boolean) ?? null);
        socket.close();
      }
    }
    tally.report();
    expect(CASES - (tally.outcomes.served ?? 0)).toBeGreaterThan(CASES / 3);
    // The steady player still gets ticks.
    const seen = player.frames.length;
    await player.next((f): f is string => isType(f, "delta", "full"), seen);
    player.close();
    await expectServiceServes("game");
  });
});
