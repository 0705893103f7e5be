// README, "Game rooms": the matchmaker forgets a room nobody holds (no seated player reported, no
// live reservation) UNHELD_ROOM_TTL_MS after it was handed out, by its alarm; its queries use an index.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { COLLECT_BATCH, MatchmakerSql, UNHELD_ROOM_TTL_MS, type Matchmaker } from "../../rooms/game/Matchmaker.ts";

const matchmaker = (name: string) => env.Matchmaker.getByName(`retention:${name}`);
const roomCount = (stub: DurableObjectStub<Matchmaker>) =>
  runInDurableObject(stub, (_mm, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM mm_room").one().n);

/** Moves every room's creation and every reservation back by `ms`, as if that much time had passed. */
const age = (stub: DurableObjectStub<Matchmaker>, ms: number) =>
  runInDurableObject(stub, (_mm, state) => {
    state.storage.sql.exec("UPDATE mm_room SET created_at = created_at - ?", ms);
    state.storage.sql.exec("UPDATE mm_reservation SET expires_at = expires_at - ?", ms);
  });

describe("the matchmaker's rooms nobody holds", () => {
  it("3,000 private rooms nobody joined are collected by the alarm once UNHELD_ROOM_TTL_MS has passed", async () => {
    const stub = matchmaker("private-3000");
    const created = await runInDurableObject(stub, async (mm: Matchmaker) => {
      const ids: string[] = [];
      for (let i = 0; i < 3000; i++) ids.push(await mm.createPrivate(2));
      return ids;
    });
    expect(new Set(created).size).toBe(3000);
    const held = await stub.createPrivate(2);
    await stub.report(held, 1, 2); // someone sat down in this one
    expect(await roomCount(stub)).toBe(3001);

    await age(stub, UNHELD_ROOM_TTL_MS);
    const fresh = await stub.createPrivate(2); // handed out just now: still within its time
    // One alarm forgets COLLECT_BATCH rooms and sets the next alarm at once.
    for (let run = 0; run <= 3000 / COLLECT_BATCH && (await roomCount(stub)) > 2; run++) {
      expect(await runDurableObjectAlarm(stub), "the matchmaker set an alarm to collect its rooms").toBe(true);
    }

    const left = await runInDurableObject(stub, (_mm, state) =>
      state.storage.sql.exec<{ room_id: string }>("SELECT room_id FROM mm_room ORDER BY room_id").toArray().map((r) => r.room_id),
    );
    expect(left.sort()).toEqual([fresh, held].sort());
    // The fresh room is collected in its turn: the alarm is set again for it.
    const alarmAt = await runInDurableObject(stub, (_mm, state) => state.storage.getAlarm());
    expect(alarmAt).not.toBeNull();
  }, 60_000);

  it("keeps an old public room that a quick join has just reserved", async () => {
    const stub = matchmaker("reserved");
    const first = await stub.quick(8);
    await age(stub, UNHELD_ROOM_TTL_MS);
    expect(await stub.quick(8), "the empty room is handed out again").toBe(first);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await roomCount(stub)).toBe(1);
  });

  it("a private room collected before its players came stays private when they arrive", async () => {
    const stub = matchmaker("private-after");
    const code = await stub.createPrivate(2);
    await age(stub, UNHELD_ROOM_TTL_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await roomCount(stub)).toBe(0);
    await stub.report(code, 1, 2); // the friend with the code joins its game room
    expect(await stub.quick(2), "a quick join is not sent into someone's private room").not.toBe(code);
    expect((await stub.open()).map((r) => r.roomId)).not.toContain(code);
  });

  it("every query on its rooms searches an index instead of scanning the table", async () => {
    const plans = await runInDurableObject(matchmaker("plans"), (_mm, state) =>
      Object.entries(MatchmakerSql).map(([name, sql]) => ({
        name,
        plan: state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...Array<null>(sql.split("?").length - 1).fill(null))
          .toArray()
          .map((r) => r.detail),
      })),
    );
    expect(plans.length).toBeGreaterThan(0);
    for (const { name, plan } of plans) {
      // A SCAN reads every room (or reservation), held or not, on each call.
      expect(plan.filter((line) => line.startsWith("SCAN ")), `${name}: ${plan.join("; ")}`).toEqual([]);
      expect(plan.some((line) => /^SEARCH \w+ USING (COVERING )?INDEX mm_/.test(line)), `${name}: ${plan.join("; ")}`).toBe(true);
    }
  });
});
