// Issue 17, joins: sockets that arrive together at a room that does not exist yet create it once.
// Run by the "workers-defaults" project (60 new rooms per user a minute, 5 connections per user).
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { CloseCode } from "../../protocol/index.ts";
import type { RateLimiter } from "../../rooms/RateLimiter.ts";
import { type Closed, BASE, TestSocket, devToken } from "./helpers.ts";

/** The defaults README states: 60 new rooms per user a minute, 5 connections per user in one room. */
const ROOMS_PER_MINUTE = 60;
const CONNECTIONS_PER_SUB = 5;
/** Twice the bucket: if every socket took a token, the user's whole minute would go on one room. */
const SOCKETS = 2 * ROOMS_PER_MINUTE;
const run = `${Date.now()}`;

async function open(roomId: string, token: string): Promise<TestSocket> {
  const response = await exports.default.fetch(`${BASE}/v1/doc/${roomId}?token=${token}`, { headers: { Upgrade: "websocket" } });
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

/** "admitted" on the room's first frame (its sync step 1), or the close if refused. */
const outcomeOf = (socket: TestSocket): Promise<"admitted" | Closed> =>
  Promise.race([socket.next((f): f is Uint8Array => typeof f !== "string").then(() => "admitted" as const), socket.closed]);

it(`${SOCKETS} sockets of one user opening a new room at once take one room-creation token, not one each`, async () => {
  const sub = `storm-${run}`;
  const token = await devToken({ sub, room: "doc/*", role: "editor" });
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, () => open(`storm-${run}`, token)));
  const outcomes = await Promise.all(sockets.map(outcomeOf));

  const refusals = outcomes.filter((o): o is Closed => o !== "admitted");
  expect(refusals.filter((o) => /room creation/i.test(o.reason)).map((o) => o.reason), "refused as room creations").toEqual([]);
  // The room exists after the first; the rest are joins, bounded by the user's share of the room.
  expect(outcomes.filter((o) => o === "admitted")).toHaveLength(CONNECTIONS_PER_SUB);
  expect(new Set(refusals.map((o) => o.code))).toEqual(new Set([CloseCode.RATE_LIMITED]));

  // The user's bucket lost one token for the one room (a refill while the test runs only adds).
  const left = await runInDurableObject(env.RateLimiter.getByName(`room-creation:${sub}`), (limiter: RateLimiter) => {
    let n = 0;
    while (n <= ROOMS_PER_MINUTE && limiter.take(ROOMS_PER_MINUTE).isAllowed) n++;
    return n;
  });
  expect(left, "room-creation tokens left").toBeGreaterThanOrEqual(ROOMS_PER_MINUTE - 1);
  for (const socket of sockets) socket.close();
}, 60_000);
