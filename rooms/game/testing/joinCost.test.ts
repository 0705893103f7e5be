// What a join costs the room's storage (issue 17: 500 players joining took 2.3x Colyseus' time, and a
// join read every seat row three or four times). The seats are read once per instance and written
// through; the alarm reads them again, so its expiry works from the store's record.
import { describe, expect, it } from "vitest";
import { crowd } from "../../../games/crowd.ts";
import { CloseCode, GameLimits, RoomLimits } from "../../../protocol/index.ts";
import { gameHarness, TestSocket } from "./gameHarness.ts";

/** Counts the room's statements that read the seat table while `work` runs. */
async function seatReads(room: ReturnType<typeof gameHarness>, work: () => Promise<unknown>): Promise<number> {
  const exec = room.db.sql.exec;
  let reads = 0;
  room.db.sql.exec = ((query: string, ...bindings: never[]) => {
    if (/SELECT .* FROM game_seat/.test(query)) reads += 1;
    return exec.call(room.db.sql, query, ...bindings);
  }) as typeof exec;
  try {
    await work();
  } finally {
    room.db.sql.exec = exec;
  }
  return reads;
}

describe("a join", () => {
  it("reads no seat rows once the room has read them; the store keeps every seat, and the alarm expires held ones", async () => {
    const room = gameHarness(crowd);
    for (let i = 0; i < 30; i++) await room.join(`p${i}`);
    expect(await seatReads(room, () => room.join("late"))).toBe(0);
    const seated = room.engine.admin.describe().seats.map((s) => s.playerId);
    expect(seated).toHaveLength(31);

    // A new instance on the same database finds every seat in the store.
    const dropped = await room.join("leaver");
    await room.close(dropped);
    room.reload();
    expect(room.engine.admin.describe().seats.map((s) => s.playerId)).toEqual([...seated, "leaver"]);
    expect(room.engine.admin.describe().seats.find((s) => s.playerId === "leaver")?.droppedAt).not.toBeNull();
    room.clock.advance(GameLimits.SEAT_HOLD_MS);
    await room.alarm();
    expect(room.engine.admin.describe().seats.map((s) => s.playerId)).toEqual(seated);
  });
});

/** Counts reads of `isOpen` on `sockets` while `work` runs: each is a socket the room looked at. */
function openReads(sockets: readonly TestSocket[], work: () => void): number {
  let reads = 0;
  for (const socket of sockets) {
    Object.defineProperty(socket, "isOpen", { configurable: true, get: () => (reads++, socket.closed === null) });
  }
  try {
    work();
  } finally {
    for (const socket of sockets) delete (socket as { isOpen?: boolean }).isOpen;
  }
  return reads;
}

describe("a hello", () => {
  it("finds the player's other connection without walking the room's other sockets", async () => {
    const room = gameHarness(crowd);
    const seated = [];
    for (let i = 0; i < 30; i++) seated.push(await room.join(`p${i}`));
    const late = await room.open("late");
    // The hello looked at every seated player's socket for one with the same sub: O(N) per join.
    expect(openReads(seated, () => room.say(late, { type: "hello", protocol: 1 })), "other sockets looked at").toBe(0);
    expect(late.last("welcome")?.seat).toBe(30);

    // The index still finds it: a second connection of a seated player replaces the first (4410) with its resume token.
    const again = await room.open("p3");
    room.say(again, { type: "hello", protocol: 1, resume: seated[3]!.last("welcome")!.resumeToken! });
    expect(again.last("welcome")?.seat).toBe(3);
    expect(seated[3]!.closed?.code).toBe(CloseCode.REPLACED);
    // Without the token, a live seat is refused to the newcomer (4409).
    const thief = await room.open("p4");
    room.say(thief, { type: "hello", protocol: 1 });
    expect(thief.closed?.code).toBe(CloseCode.ROOM_FULL);
    // After the replaced socket's close, the player's seat stays with the newer connection.
    await room.close(seated[3]!);
    expect(room.engine.admin.describe().seats.find((s) => s.playerId === "p3")?.droppedAt).toBeNull();
  });
});

describe("hellos answered in one group", () => {
  it("carry one view, computed once for the group, in every welcome", async () => {
    let views = 0;
    const counted = { ...crowd, view: (state: Parameters<typeof crowd.view>[0]) => (views++, crowd.view(state, null)) };
    const room = gameHarness(counted, "room-1", undefined, { holdsOutput: true });
    const sockets = [];
    for (let i = 0; i < 30; i++) sockets.push(await room.open(`p${i}`));
    for (const socket of sockets) room.say(socket, { type: "hello", protocol: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the group is answered after the turn
    const welcomes = sockets.map((socket) => socket.last("welcome"));
    expect(welcomes.map((w) => w?.seat)).toEqual(sockets.map((_, i) => i));
    // Each welcome computed (and encoded) the room's view again: 30 views of up to 30 players.
    expect(views, "views computed for 30 welcomes").toBe(1);
    // Every welcome shows every player of the group (the view after the group's joins), in the same bytes.
    const players = (welcomes[0]!.view as { players: Record<string, unknown> }).players;
    expect(Object.keys(players)).toHaveLength(30);
    expect(new Set(sockets.map((s) => JSON.stringify(s.last("welcome")!.view))).size).toBe(1);
  });
});

describe("a group of hellos", () => {
  it("appends its players' joins to the match log in one statement, which a reloaded room replays as before", async () => {
    const room = gameHarness(crowd, "room-1", undefined, { holdsOutput: true });
    const first = await room.join("first"); // starts the match
    await new Promise((resolve) => setTimeout(resolve, 0));
    room.tick(3);
    const sockets = [];
    for (let i = 0; i < 30; i++) sockets.push(await room.open(`p${i}`));
    const exec = room.db.sql.exec;
    let inserts = 0;
    room.db.sql.exec = ((query: string, ...bindings: never[]) => {
      if (/INSERT INTO game_match_entry/.test(query)) inserts += 1;
      return exec.call(room.db.sql, query, ...bindings);
    }) as typeof exec;
    for (const socket of sockets) room.say(socket, { type: "hello", protocol: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    room.db.sql.exec = exec;
    expect(sockets.every((s) => s.last("welcome"))).toBe(true);
    // Each join was its own INSERT: 30.
    expect(inserts, "match log INSERTs for 30 joins in one group").toBe(1);
    const live = room.engine.admin.liveState();
    room.reload(); // replays the log past the last snapshot: the first player's join, then the group's
    expect(room.engine.admin.liveState()).toEqual(live);
    expect(first.closed).toBeNull();
  });

  it("after a group whose log write failed, the next group's joins are still written when it ends", async () => {
    const room = gameHarness(crowd, "room-1", undefined, { holdsOutput: true });
    await room.join("first"); // starts the match
    await new Promise((resolve) => setTimeout(resolve, 0));
    const exec = room.db.sql.exec;
    let failNext = true;
    let inserts = 0;
    room.db.sql.exec = ((query: string, ...bindings: never[]) => {
      if (/INSERT INTO game_match_entry/.test(query)) {
        if (failNext) {
          failNext = false;
          throw new Error("disk full");
        }
        inserts += 1;
      }
      return exec.call(room.db.sql, query, ...bindings);
    }) as typeof exec;
    const failing = [await room.open("a1"), await room.open("a2")];
    for (const socket of failing) room.say(socket, { type: "hello", protocol: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const next = [await room.open("b1"), await room.open("b2")];
    for (const socket of next) room.say(socket, { type: "hello", protocol: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    room.db.sql.exec = exec;
    expect(next.every((s) => s.last("welcome"))).toBe(true);
    expect(inserts, "match log INSERTs for the group after the failed one").toBe(1);
  });
});

/** Counts the alarms the room asks for, and the statements it runs, while `work` runs. */
async function alarmWork(room: ReturnType<typeof gameHarness>, work: () => Promise<unknown>): Promise<{ alarms: number[]; statements: number }> {
  const setAlarm = room.scheduler.setAlarm;
  const exec = room.db.sql.exec;
  const alarms: number[] = [];
  let statements = 0;
  room.scheduler.setAlarm = (at: number) => (alarms.push(at), setAlarm.call(room.scheduler, at));
  room.db.sql.exec = ((query: string, ...bindings: never[]) => (statements++, exec.call(room.db.sql, query, ...bindings))) as typeof exec;
  try {
    await work();
  } finally {
    room.scheduler.setAlarm = setAlarm;
    room.db.sql.exec = exec;
  }
  return { alarms, statements };
}

describe("a join's alarm", () => {
  it("a connect or a leave whose deadline the alarm already covers asks for none and reads nothing", async () => {
    const room = gameHarness(crowd);
    await room.join("creator"); // creates the room: its first directory report
    await room.alarm(); // sends it; the alarm is set again for the next one
    await room.join("second");
    const armed = room.scheduler.alarmAt;
    expect(armed, "the alarm the room set").not.toBeNull();
    // Each connect worked the alarm out again (the outbox's next attempt, every deadline) and asked for it.
    const connects = await alarmWork(room, async () => {
      for (let i = 0; i < 10; i++) await room.open(`waiting-${i}`);
    });
    expect(connects, "alarms asked for and statements run by 10 connects").toEqual({ alarms: [], statements: 0 });
    // A seated player's leave holds its seat until SEAT_HOLD_MS, later than the alarm already set.
    const leaver = await room.join("leaver");
    const leave = await alarmWork(room, () => room.close(leaver));
    expect(leave.alarms, "alarms asked for by a leave").toEqual([]);
    expect(room.scheduler.alarmAt).toBe(armed);
  });

  it("the alarm still comes for a handshake deadline and for a held seat", async () => {
    const room = gameHarness(crowd);
    await room.join("creator");
    await room.alarm();
    const late = await room.open("late"); // never says hello
    expect(room.scheduler.alarmAt).toBeLessThanOrEqual(room.clock.now() + RoomLimits.HANDSHAKE_TIMEOUT_MS);
    room.clock.advance(RoomLimits.HANDSHAKE_TIMEOUT_MS);
    await room.alarm();
    expect(late.closed?.code, "closed for its handshake").toBe(CloseCode.HANDSHAKE_TIMEOUT);

    const leaver = await room.join("leaver");
    // Every alarm the room has set runs (the runtime clears each one it runs), until none is set.
    for (let i = 0; i < 10 && room.scheduler.alarmAt !== null; i++) {
      room.clock.at = Math.max(room.clock.now(), room.scheduler.alarmAt);
      room.scheduler.alarmAt = null;
      await room.alarm();
    }
    expect(room.scheduler.alarmAt, "an alarm still set").toBeNull();
    await room.close(leaver);
    const heldUntil = room.clock.now() + GameLimits.SEAT_HOLD_MS;
    expect(room.scheduler.alarmAt, "the alarm for the held seat").not.toBeNull();
    expect(room.scheduler.alarmAt).toBeLessThanOrEqual(heldUntil);
    room.clock.advance(GameLimits.SEAT_HOLD_MS);
    await room.alarm();
    expect(room.engine.admin.describe().seats.map((s) => s.playerId)).not.toContain("leaver");
  });
});
