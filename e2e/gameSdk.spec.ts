import { expect, test } from "@playwright/test";
import { createClient } from "../client-sdk/index.ts";
import type { tictactoe } from "../games/tictactoe.ts";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { devToken, eventually } from "./support/service.ts";

/** A WebSocket that remembers its instances, so a test can cut the line as a flaky network would. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(this);
  }
}

function player(sub: string) {
  return createClient({
    baseUrl: E2E_BASE_URL,
    getToken: () => devToken(E2E_BASE_URL, { sub, room: "game/tictactoe/*", role: "player" }),
    reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    WebSocket: TrackedWebSocket,
  });
}

test("the SDK resumes its seat after a dropped connection and sends the inputs made while offline", async () => {
  const x = await player("sdk-x").joinOrCreate<typeof tictactoe>("tictactoe", { mode: "private" });
  // Seats go in order of arrival: let x sit before o connects.
  await x.whenStatus("joined");
  const o = player("sdk-o").game<typeof tictactoe>("tictactoe", x.roomId);
  try {
    await o.whenStatus("joined");
    expect([x.seat, o.seat]).toEqual([0, 1]);
    await eventually(() => x.view?.phase === "playing", 10_000, "both seated");

    const seen: string[] = [];
    x.on("status", (s) => seen.push(s));
    // x opened the room's first socket; o's came after.
    sockets.find((s) => s.url.includes(x.roomId))!.close(3000, "network blip");
    await eventually(() => x.status === "offline" || seen.includes("offline"), 5_000, "offline");
    const seq = x.send({ type: "place", cell: 4 }); // made while offline
    await x.whenStatus("joined");
    expect(x.seat).toBe(0);
    await eventually(() => x.info.ack >= seq, 10_000, "the offline input applied");
    await eventually(() => o.view?.board[4] === "X", 10_000, "the other player sees it");
    expect(x.rttMs).not.toBeNull();
  } finally {
    x.destroy();
    o.destroy();
  }
});

test("quickJoin seats two players in one room with one request each, and a dropped one resumes its seat in that room", async () => {
  const first = sockets.length;
  // A region of their own, so no room another spec left with a free seat takes either of them.
  const x = await player("qj-x").quickJoin<typeof tictactoe>("tictactoe", { region: "oc" });
  const o = await player("qj-o").quickJoin<typeof tictactoe>("tictactoe", { region: "oc" });
  try {
    expect(sockets[first]!.url).toContain("/v1/match/tictactoe/join");
    expect(o.roomId).toBe(x.roomId);
    expect([x.seat, o.seat]).toEqual([0, 1]);
    await eventually(() => x.view?.phase === "playing", 10_000, "both seated");

    sockets[first]!.close(3000, "network blip");
    await eventually(() => x.status !== "joined", 5_000, "x dropped");
    await x.whenStatus("joined");
    // The reconnect went to the room the welcome named, and the seat came back with it.
    expect(sockets.at(-1)!.url).toContain(`/v1/game/tictactoe/${x.roomId}`);
    expect(x.seat).toBe(0);
    const seq = x.send({ type: "place", cell: 4 });
    await eventually(() => x.info.ack >= seq, 10_000, "x's move applied");
    await eventually(() => o.view?.board[4] === "X", 10_000, "o sees it");
  } finally {
    x.destroy();
    o.destroy();
  }
});
