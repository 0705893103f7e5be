// Issue 17, joins: a join or leave whose deadlines the room's alarm already covers leaves the alarm
// alone. Each one worked the room's next alarm out again (the outbox's next attempt, the version
// schedule, every socket's token deadline) and asked for the alarm, which the first join of a storm
// had set: in a Durable Object an alarm read back per join, at 500 joins some 1,500 statements.
import { expect, it } from "vitest";
import { CloseCode, RoomLimits } from "../../protocol/index.ts";
import { hangUp } from "../engine/testing/testRoom.ts";
import { joinDoc, newWatchedDocRoom } from "./testing/docHarness.ts";

function countingRoom(name: string) {
  const statements: string[] = [];
  const room = newWatchedDocRoom(name, (query) => statements.push(query));
  const setAlarm = room.ports.scheduler.setAlarm.bind(room.ports.scheduler);
  const alarmsAsked: number[] = [];
  room.ports.scheduler.setAlarm = (at: number) => (alarmsAsked.push(at), setAlarm(at));
  return { ...room, statements, alarmsAsked };
}

it("joins and leaves covered by the alarm already set run no statement and ask for no alarm", async () => {
  const room = countingRoom("join-alarm");
  await room.join("creator"); // creates the room, queues its first directory report
  await room.engine.alarm(); // sends it; the alarm is set again for the next one
  await room.join("second"); // marks the directory's entry changed
  const armed = room.ports.scheduler.alarmAt;
  expect(armed, "the alarm the room set").not.toBeNull();
  room.statements.length = 0;
  room.alarmsAsked.length = 0;

  const third = await room.join("third");
  await room.join("fourth");
  await hangUp(room.engine, room.ports, third);
  // Each join read the outbox and the version schedule and asked for the alarm it already had.
  expect(room.alarmsAsked, "alarms asked for").toEqual([]);
  expect(room.statements, "statements run").toEqual([]);
  expect(room.ports.scheduler.alarmAt).toBe(armed);
});

it("the alarm still comes for every handshake deadline and after it ran", async () => {
  const room = countingRoom("join-alarm-deadlines");
  await room.join("creator");
  await room.engine.alarm();
  const late = await joinDoc(room, "late"); // never completes its handshake
  expect(room.ports.scheduler.alarmAt).toBeLessThanOrEqual(room.ports.clock.now() + RoomLimits.HANDSHAKE_TIMEOUT_MS);
  room.ports.clock.advance(RoomLimits.HANDSHAKE_TIMEOUT_MS);
  await room.engine.alarm();
  expect(late.closed?.code, "closed for its handshake").toBe(CloseCode.HANDSHAKE_TIMEOUT);
  // The alarm ran and was set again: the next join's deadline is covered, by that alarm or its own.
  await joinDoc(room, "next");
  expect(room.ports.scheduler.alarmAt).toBeLessThanOrEqual(room.ports.clock.now() + RoomLimits.HANDSHAKE_TIMEOUT_MS);
});
