// Issue 17, joins: what a game join costs the room, counted, not timed (bench/game.mjs times it).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import { MatchmakerSql } from "../../rooms/game/Matchmaker.ts";
import { join, message, openGame, room } from "./gameHelpers.ts";
import { countAttachmentReads } from "./helpers.ts";

let restore = () => {};
afterEach(() => restore());

it("a player's hello is answered without the runtime reading the socket's attachment back", async () => {
  const roomId = `hello-reads-${Date.now()}`;
  // The room starts with its first player; the players after it are the join path being counted.
  const first = await openGame("crowd", roomId, "first");
  first.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await message(first, "welcome");
  const sockets = await Promise.all(["p1", "p2", "p3"].map((sub) => openGame("crowd", roomId, sub)));
  const counter = countAttachmentReads();
  restore = counter.restore;
  for (const socket of sockets) socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await Promise.all(sockets.map((socket) => message(socket, "welcome")));
  // partyserver read each socket's attachment to check it was one of its own (a structured clone per hello).
  expect(counter.reads, "attachment reads for 3 hellos").toBe(0);
  for (const socket of [first, ...sockets]) socket.close();
});

/** Counts the room's SQL statements that match `pattern`, from inside the room, until restored. */
function countStatements(game: string, roomId: string, pattern: RegExp) {
  return runInDurableObject(room(game, roomId), (_room, state) => {
    const sql = state.storage.sql as unknown as { exec: (query: string, ...bindings: unknown[]) => unknown };
    const original = sql.exec;
    const counter = { count: 0, restore: () => void (sql.exec = original) };
    sql.exec = function (this: unknown, query: string, ...bindings: unknown[]) {
      if (pattern.test(query)) counter.count++;
      return original.call(this, query, ...bindings);
    };
    return counter;
  });
}

it("players joining a started room do not query its meta (placement, creation, lock) again", async () => {
  const roomId = `meta-reads-${Date.now()}`;
  const first = await join("crowd", roomId, "first");
  const counter = await countStatements("crowd", roomId, /room_meta/);
  restore = counter.restore;
  const joined = await Promise.all(["m1", "m2", "m3"].map((sub) => join("crowd", roomId, sub)));
  // Each join read created_at, location_hint and locked from SQLite, five queries in all.
  expect(counter.count, "room_meta statements for 3 joins").toBe(0);
  for (const { socket } of [first, ...joined]) socket.close();
});

it("quick joins arriving together at the matchmaker are written in groups, not one event (and commit) each", async () => {
  const matchmaker = env.Matchmaker.getByName(`crowd:join-batch-${Date.now()}`);
  await matchmaker.quick(100, "warm-up"); // the matchmaker's tables exist
  const writeEvents = await runInDurableObject(matchmaker, (_mm, state) => {
    const sql = state.storage.sql as unknown as { exec: (query: string, ...bindings: unknown[]) => unknown };
    const original = sql.exec;
    const counter = { count: 0, restore: () => void (sql.exec = original) };
    // Each event that answers quick joins first drops expired reservations, once.
    sql.exec = function (this: unknown, query: string, ...bindings: unknown[]) {
      if (query === MatchmakerSql.dropExpired) counter.count++;
      return original.call(this, query, ...bindings);
    };
    return counter;
  });
  restore = writeEvents.restore;
  const rooms = await Promise.all(Array.from({ length: 40 }, (_, i) => matchmaker.quick(100, `storm-${i}`)));
  // One room for all of them, as before: each is counted before the next is placed.
  expect(new Set(rooms).size).toBe(1);
  // Each quick join was its own event with its own write and commit (an fsync under workerd), 40 in all.
  expect(writeEvents.count, "write events for 40 quick joins").toBeLessThanOrEqual(20);
  const taken = await runInDurableObject(matchmaker, (_mm, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM mm_reservation").one().n,
  );
  expect(taken, "reservations").toBe(41);
});

it("hellos arriving together at a game room are answered in groups, not one event (and commit) each", async () => {
  const roomId = `hello-groups-${Date.now()}`;
  const first = await join("crowd", roomId, "first");
  const sockets = await Promise.all(Array.from({ length: 30 }, (_, i) => openGame("crowd", roomId, `g${i}`)));
  const seatEvents = await runInDurableObject(room("crowd", roomId), (_room, state) => {
    const sql = state.storage.sql as unknown as { exec: (query: string, ...bindings: unknown[]) => unknown };
    const original = sql.exec;
    const counter = { count: 0, restore: () => void (sql.exec = original) };
    let isCounted = false;
    // Every seat write of one event happens before that event's microtasks run: one count per event.
    sql.exec = function (this: unknown, query: string, ...bindings: unknown[]) {
      if (query.includes("INTO game_seat") && !isCounted) {
        counter.count++;
        isCounted = true;
        queueMicrotask(() => (isCounted = false));
      }
      return original.call(this, query, ...bindings);
    };
    return counter;
  });
  restore = seatEvents.restore;
  for (const socket of sockets) socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  const welcomes = await Promise.all(sockets.map((socket) => message(socket, "welcome")));
  // Every player has its own seat, as before.
  expect(new Set(welcomes.map((w) => w.seat)).size).toBe(30);
  // Each hello was its own event with its own seat write and commit (an fsync under workerd), 30 in all.
  expect(seatEvents.count, "events writing seats for 30 hellos").toBeLessThanOrEqual(15);
  // An input right behind its hello is served after it, not refused for coming first.
  const late = await openGame("crowd", roomId, "late");
  late.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  late.send(JSON.stringify({ type: "ping", t: 7 }));
  expect((await message(late, "pong")).t).toBe(7);
  for (const socket of [first.socket, late, ...sockets]) socket.close();
});

it("a join reads the room's directory state once", async () => {
  const roomId = `directory-reads-${Date.now()}`;
  const first = await join("crowd", roomId, "first");
  const counter = await countStatements("crowd", roomId, /FROM directory_state/);
  restore = counter.restore;
  const joined = await Promise.all(["d1", "d2", "d3"].map((sub) => join("crowd", roomId, sub)));
  // Each join read it twice: to mark the entry changed, then to see whether a report was due.
  expect(counter.count, "directory_state reads for 3 joins").toBeLessThanOrEqual(3);
  for (const { socket } of [first, ...joined]) socket.close();
});

it("a group of quick joins queries for a room once per room it fills and writes its reservations in one statement per room", async () => {
  const matchmaker = env.Matchmaker.getByName(`crowd:join-statements-${Date.now()}`);
  await matchmaker.quick(100, "warm-up"); // the matchmaker's tables exist
  const statements = await runInDurableObject(matchmaker, (_mm, state) => {
    const sql = state.storage.sql as unknown as { exec: (query: string, ...bindings: unknown[]) => unknown };
    const original = sql.exec;
    const counter = { count: 0, groups: 0, restore: () => void (sql.exec = original) };
    sql.exec = function (this: unknown, query: string, ...bindings: unknown[]) {
      counter.count++;
      if (query === MatchmakerSql.dropExpired) counter.groups++; // once per group
      return original.call(this, query, ...bindings);
    };
    return counter;
  });
  restore = statements.restore;
  // 150 joins of 100-seat rooms: the warm-up's room fills, then one new room takes the rest.
  const rooms = await Promise.all(Array.from({ length: 150 }, (_, i) => matchmaker.quick(100, `s-${i}`)));
  const counts = [...new Set(rooms)].map((id) => rooms.filter((r) => r === id).length);
  expect(counts, "joins per room, in order").toEqual([99, 51]);
  // Per group: its expired reservations dropped, then one lookup and one insert per room it fills (two
  // rooms here, once, and the new room's own row). Each join queried for the fullest room and inserted its own reservation: two
  // statements a join, 300 in all.
  expect(statements.count, `statements for 150 quick joins in ${statements.groups} groups`).toBeLessThanOrEqual(3 * statements.groups + 3);
  // However the joins fell into groups: a statement pair per join would be 300.
  expect(statements.count, `statements for 150 quick joins in ${statements.groups} groups`).toBeLessThan(150);
  const taken = await runInDurableObject(matchmaker, (_mm, state) =>
    state.storage.sql.exec<{ room_id: string; n: number }>("SELECT room_id, count(*) AS n FROM mm_reservation GROUP BY room_id ORDER BY n DESC").toArray().map((r) => r.n),
  );
  expect(taken, "reservations per room").toEqual([100, 51]);
});
