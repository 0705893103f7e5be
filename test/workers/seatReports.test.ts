// Issue 17, joins: a room filling in a storm reports its seats to the matchmaker a few times, not once per join.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it, vi } from "vitest";
import type { Matchmaker } from "../../rooms/game/Matchmaker.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import { message, openGame } from "./gameHelpers.ts";

const PLAYERS = 20;

it(`${PLAYERS} players joining a room at once reach the matchmaker in a few reports, and its count ends exact`, async () => {
  const region = "afr";
  const roomId = `reports-${Date.now()}`;
  const matchmaker = env.Matchmaker.getByName(`crowd:${region}`);
  let reports = 0;
  const restore = await runInDurableObject(matchmaker, (instance: Matchmaker) => {
    const proto = Object.getPrototypeOf(instance) as { report: Matchmaker["report"] };
    const original = proto.report;
    proto.report = function (this: Matchmaker, ...args: Parameters<Matchmaker["report"]>) {
      if (this === instance && args[0] === roomId) reports++;
      return original.apply(this, args);
    };
    return () => void (proto.report = original);
  });
  try {
    // As the SDK joins a matched room: in the matchmaker's region, so the room reports there.
    const joinOne = async (n: number) => {
      const socket = await openGame("crowd", roomId, `reporter-${n}`, "player", `&region=${region}`);
      socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
      await message(socket, "welcome");
      return socket;
    };
    const sockets = await Promise.all(Array.from({ length: PLAYERS }, (_, n) => joinOne(n)));
    const taken = () =>
      runInDurableObject(matchmaker, (_mm: Matchmaker, state) =>
        state.storage.sql.exec<{ taken: number }>("SELECT taken FROM mm_room WHERE room_id = ?", roomId).toArray()[0]?.taken ?? 0,
      );
    // The last report carries every seat.
    await vi.waitFor(async () => expect(await taken()).toBe(PLAYERS), { timeout: 5_000, interval: 20 });
    expect(reports, "seat reports").toBeLessThanOrEqual(PLAYERS / 4);
    for (const socket of sockets) socket.close();
  } finally {
    restore();
  }
});
