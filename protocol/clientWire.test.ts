// clientWire.ts re-states, without zod, the checks of the zod schemas the SDK decodes with. Both get the
// same valid messages and the same broken variants of them, and must give the same answers.
import { describe, expect, it } from "vitest";
import { decodeServerControlLean, decodeServerGameMessageLean, isRoomId, readErrorBody, readLeaderboardPage } from "./clientWire.ts";
import { decodeServerControl } from "./control.ts";
import { ErrorBody } from "./errors.ts";
import { decodeServerGameMessage } from "./gameMessages.ts";
import { LeaderboardPage } from "./leaderboards.ts";
import { RoomId } from "./rooms.ts";
import { PROTOCOL_VERSION } from "./version.ts";

const CONTROL: object[] = [
  { type: "welcome", protocol: PROTOCOL_VERSION, connectionId: "c1", role: "editor" },
  { type: "welcome", protocol: 2, connectionId: "", role: "viewer" },
  { type: "saved", seq: 0 },
  { type: "refused", seq: 3, reason: "read_only" },
  { type: "refused", seq: 3, reason: "locked" },
  { type: "system", message: "maintenance at noon" },
];

const GAME: object[] = [
  { type: "welcome", protocol: PROTOCOL_VERSION, role: "player", playerId: "p1", seat: 0, resumeToken: "r", tickRateHz: 20, matchId: "m1", tick: 5, ack: 0, view: { score: 1 } },
  { type: "welcome", protocol: PROTOCOL_VERSION, role: "spectator", playerId: "p2", seat: null, resumeToken: null, tickRateHz: 12.5, matchId: null, tick: 0, ack: -1, view: null },
  { type: "full", matchId: null, tick: 1, ack: 2, view: [1, 2] },
  { type: "delta", tick: 2, ack: 1, patch: [[["a", "b"], 3], [["c"]], [[], null]] },
  { type: "events", tick: 3, events: [{ kind: "x" }, 1] },
  { type: "match_over", matchId: "m1", result: { isOver: true, scores: { p1: 3, p2: 1.5 }, winners: ["p1"] }, reason: "finished" },
  { type: "match_over", matchId: "m1", result: { isOver: false, scores: {}, winners: [] } },
  { type: "error", code: "invalid_input", message: "no", seq: 4 },
  { type: "error", code: "bad_message", message: "no" },
  { type: "pong", t: 123.5 },
  { type: "probe" },
  { type: "system", message: "hello" },
];

const BAD_VALUES: unknown[] = [undefined, null, "x", "", 1.5, -1, 0, 2 ** 60, true, [], {}, [[]], [["a"], 1, 2], { a: "x" }, "editor", "locked", "player", "idle", "spectator"];

/** Each message, then each key removed or replaced by each bad value, one level deep and in nested objects. */
function variants(message: object): unknown[] {
  const out: unknown[] = [message, { ...message, extra: 1 }];
  const walk = (value: Record<string, unknown>, rebuild: (replacement: unknown) => unknown) => {
    for (const key of Object.keys(value)) {
      const { [key]: _removed, ...without } = value;
      out.push(rebuild(without));
      for (const bad of BAD_VALUES) out.push(rebuild({ ...value, [key]: bad }));
      const inner = value[key];
      if (inner && typeof inner === "object" && !Array.isArray(inner)) {
        walk(inner as Record<string, unknown>, (replacement) => rebuild({ ...value, [key]: replacement }));
      }
    }
  };
  walk(message as Record<string, unknown>, (replacement) => replacement);
  return out;
}

function expectSameAnswers(decodeZod: (text: string) => { ok: boolean; value?: unknown }, decodeLean: (text: string) => { ok: boolean; value?: unknown }, messages: object[]) {
  let accepted = 0;
  let cases = 0;
  for (const message of messages) {
    for (const variant of variants(message)) {
      const text = JSON.stringify(variant) ?? "undefined";
      const zod = decodeZod(text);
      const lean = decodeLean(text);
      expect({ text, ok: lean.ok }).toEqual({ text, ok: zod.ok });
      if (zod.ok) {
        expect(lean.value).toStrictEqual(zod.value);
        accepted++;
      }
      cases++;
    }
  }
  // Both answers occur, so the comparison means something.
  expect(accepted).toBeGreaterThanOrEqual(messages.length);
  expect(cases - accepted).toBeGreaterThan(messages.length * 10);
}

describe("protocol/clientWire.ts agrees with the zod schemas", () => {
  it("doc control messages (ServerControl)", () => {
    expectSameAnswers(decodeServerControl, decodeServerControlLean, CONTROL);
  });

  it("game messages (ServerGameMessage)", () => {
    expectSameAnswers(decodeServerGameMessage, decodeServerGameMessageLean, GAME);
  });

  it("unknown types, non-objects and non-JSON are refused by both", () => {
    for (const text of ['{"type":"nope"}', '{"type":"__proto__"}', '{"type":"toString"}', "[]", "null", "3", '"welcome"', "{", ""]) {
      expect(decodeServerControlLean(text).ok).toBe(false);
      expect(decodeServerGameMessageLean(text).ok).toBe(false);
      expect(decodeServerControl(text).ok).toBe(false);
      expect(decodeServerGameMessage(text).ok).toBe(false);
    }
  });

  it("HTTP error bodies (ErrorBody) and room ids (RoomId)", () => {
    for (const body of variants({ error: { code: "bad_request", message: "no" } })) {
      const zod = ErrorBody.safeParse(body);
      expect(readErrorBody(body)).toStrictEqual(zod.success ? zod.data : null);
    }
    for (const id of ["notes-1", "a", "A_b-9", "x".repeat(64), "x".repeat(65), "", "bad id!", "a/b", "é", 7, null]) {
      expect(isRoomId(id)).toBe(RoomId.safeParse(id).success);
    }
  });

  it("leaderboard pages (LeaderboardPage)", () => {
    const pages = [
      { board: "arena.gems", period: "all", entries: [{ rank: 1, playerId: "p1", score: 12.5 }, { rank: 2, playerId: "p2", score: -3 }], nextCursor: "abc.def" },
      { board: "tictactoe.wins", period: "2026-W48", entries: [], nextCursor: null },
    ];
    let accepted = 0;
    let refused = 0;
    const compare = (variant: unknown) => {
      const zod = LeaderboardPage.safeParse(variant);
      expect(readLeaderboardPage(variant)).toStrictEqual(zod.success ? zod.data : null);
      if (zod.success) accepted++;
      else refused++;
    };
    for (const page of pages) {
      for (const variant of variants(page)) compare(variant);
      // variants() does not walk into arrays: each entry's keys are broken here.
      for (const entry of variants({ rank: 1, playerId: "p1", score: 2 })) compare({ ...page, entries: [entry] });
    }
    expect(accepted).toBeGreaterThanOrEqual(pages.length);
    expect(refused).toBeGreaterThan(pages.length * 10);
  });
});
