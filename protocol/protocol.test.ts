import { describe, expect, it } from "vitest";
import {
  CloseCode,
  PROTOCOL_VERSION,
  decodeClientControl,
  gameRoomObjectName,
  isFatalCloseCode,
  parseGameRoomObjectName,
  roomClaimCovers,
  truncateCloseReason,
  versionMismatch,
} from "./index.ts";

describe("room claims", () => {
  it.each([
    ["doc/notes-1", "doc/notes-1", true],
    ["doc/notes-1", "doc/notes-10", false],
    ["doc/*", "doc/anything", true],
    ["doc/*", "doc", false],
    ["game/*", "game/arena/r1", true],
    ["game/arena/*", "game/arena/r1", true],
    ["game/arena/*", "game/arena-2/r1", false],
    // A wildcard inside a segment is not a prefix any more: it covers nothing (and tokens carrying it are refused).
    ["doc/team-1*", "doc/team-10", false],
    ["doc/team-1*", "doc/team-1", false],
    ["doc*", "doc/x", false],
    ["*", "doc/x", true],
    ["game/*", "doc/x", false],
  ])("%s covers %s: %s", (claim, path, expected) => {
    expect(roomClaimCovers(claim, path)).toBe(expected);
  });
});

describe("game room object names", () => {
  it("are {gameName}:{roomId}, the names existing Durable Objects have, and parse back", () => {
    expect(gameRoomObjectName("arena", "room-1")).toBe("arena:room-1");
    expect(parseGameRoomObjectName("arena:room-1")).toEqual({ gameName: "arena", roomId: "room-1" });
    expect(parseGameRoomObjectName("")).toEqual({ gameName: "", roomId: "" });
  });
});

describe("close codes", () => {
  it("are fatal only where reconnecting cannot help", () => {
    expect(isFatalCloseCode(CloseCode.FORBIDDEN)).toBe(true);
    expect(isFatalCloseCode(CloseCode.RATE_LIMITED)).toBe(false);
    expect(isFatalCloseCode(CloseCode.ROOM_FULL)).toBe(false);
    expect(isFatalCloseCode(1006)).toBe(false);
  });

  it("keep reasons within the 123 bytes a close frame allows", () => {
    const reason = truncateCloseReason("é".repeat(200));
    expect(new TextEncoder().encode(reason).byteLength).toBeLessThanOrEqual(123);
    expect(truncateCloseReason("short")).toBe("short");
  });
});

describe("control messages", () => {
  it("decode a hello and refuse anything else with a reason", () => {
    expect(decodeClientControl(`{"type":"hello","protocol":${PROTOCOL_VERSION}}`)).toEqual({ ok: true, value: { type: "hello", protocol: PROTOCOL_VERSION } });
    expect(decodeClientControl("{")).toEqual({ ok: false, error: "not JSON" });
    expect(decodeClientControl('{"type":"nope"}').ok).toBe(false);
  });
});

describe("protocol versions", () => {
  it("serves its own version and says which side is older otherwise", () => {
    expect(versionMismatch(PROTOCOL_VERSION)).toBeNull();
    expect(versionMismatch(PROTOCOL_VERSION - 1)).toBe(`client is older: client speaks protocol ${PROTOCOL_VERSION - 1}, server ${PROTOCOL_VERSION}`);
    expect(versionMismatch(PROTOCOL_VERSION + 1)).toMatch(/^server is older/);
  });
});
