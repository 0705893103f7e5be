// README: every HTTP response carries Server-Timing (`edge`, and `auth`, `room`, `storage` where they
// apply). admin.test.ts holds `edge`, `storage` on the room listing and `auth` on a refused socket;
// this file holds `room` on each kind of HTTP response that reaches a room.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { join } from "./gameHelpers.ts";
import { BASE, devToken, openSdkDoc } from "./helpers.ts";

const ADMIN = { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" };

/** The metric names of a Server-Timing header, each checked to be `name;dur=<ms>`. */
function timingNames(response: Response): string[] {
  const header = response.headers.get("Server-Timing") ?? "";
  const entries = header.split(", ");
  for (const entry of entries) expect(entry).toMatch(/^[a-z]+;dur=\d+(\.\d+)?$/);
  return entries.map((entry) => entry.split(";")[0]!).sort();
}

async function usedDocRoom(roomId: string): Promise<string> {
  const token = await devToken({ sub: "timer", room: `doc/${roomId}`, role: "editor" });
  (await openSdkDoc(roomId, token)).close();
  return token;
}

describe("`room` in Server-Timing", () => {
  it("an admin inspection of a document room: edge and room", async () => {
    await usedDocRoom("timed-inspect");
    const response = await exports.default.fetch(`${BASE}/v1/admin/rooms/doc/timed-inspect`, { headers: ADMIN });
    expect(response.status).toBe(200);
    expect(timingNames(response)).toEqual(["edge", "room"]);
  });

  it("an admin action on a game room: edge and room", async () => {
    const { socket } = await join("arena", "timed-lock", "ada");
    const response = await exports.default.fetch(`${BASE}/v1/admin/rooms/game/arena/timed-lock/lock`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ locked: true }),
    });
    expect(response.status).toBe(200);
    expect(timingNames(response)).toEqual(["edge", "room"]);
    socket.close();
  });

  it("an admin 404 for a room never used still asked the room: edge and room", async () => {
    const response = await exports.default.fetch(`${BASE}/v1/admin/rooms/doc/timed-never-used`, { headers: ADMIN });
    expect(response.status).toBe(404);
    expect(timingNames(response)).toEqual(["edge", "room"]);
  });

  it("a document's version list, with a token: edge, auth and room", async () => {
    const token = await usedDocRoom("timed-versions");
    const response = await exports.default.fetch(`${BASE}/v1/doc/timed-versions/versions?token=${token}`);
    expect(response.status).toBe(200);
    expect(timingNames(response)).toEqual(["auth", "edge", "room"]);
  });

  it("one version the room does not have: edge, auth and room", async () => {
    const token = await usedDocRoom("timed-version");
    const response = await exports.default.fetch(`${BASE}/v1/doc/timed-version/versions/000000000000000-00000000?token=${token}`);
    expect(response.status).toBe(404);
    expect(timingNames(response)).toEqual(["auth", "edge", "room"]);
  });

  it("a response that never reached a room has no room metric", async () => {
    expect(timingNames(await exports.default.fetch(`${BASE}/v1/health`))).toEqual(["edge"]);
  });
});
