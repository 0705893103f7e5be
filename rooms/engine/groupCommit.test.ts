import { describe, expect, it } from "vitest";
import { GroupCommit } from "./groupCommit.ts";

/** A disk whose commits land when the test says so. */
function disk() {
  const commits: (() => void)[] = [];
  return {
    durable: () => new Promise<void>((resolve) => commits.push(resolve)),
    land: async () => {
      commits.shift()!();
      await Promise.resolve();
      await Promise.resolve();
    },
    get inFlight() {
      return commits.length;
    },
  };
}

describe("GroupCommit", () => {
  it("writes the first item at once and batches what arrives during its commit", async () => {
    const d = disk();
    const writes: number[][] = [];
    const commit = new GroupCommit<number>((batch) => writes.push(batch), d.durable, (e) => { throw e; });
    commit.push(1);
    expect(writes).toEqual([[1]]);
    for (let i = 2; i <= 50; i++) commit.push(i);
    expect(writes).toHaveLength(1);
    expect(commit.pending).toHaveLength(49);
    await d.land();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toHaveLength(49);
    await d.land();
    commit.push(51);
    expect(writes).toEqual([[1], writes[1], [51]]);
  });

  it("flushes on demand in the caller's turn without starting a second commit", async () => {
    const d = disk();
    const writes: number[][] = [];
    const commit = new GroupCommit<number>((batch) => writes.push(batch), d.durable, (e) => { throw e; });
    commit.push(1);
    commit.push(2);
    commit.flush();
    expect(writes).toEqual([[1], [2]]);
    expect(d.inFlight).toBe(1);
    await d.land();
    expect(writes).toHaveLength(2);
  });

  it("reports a failed commit or write and keeps going", async () => {
    const errors: unknown[] = [];
    let fail = true;
    const writes: number[][] = [];
    const commit = new GroupCommit<number>(
      (batch) => {
        if (batch.includes(3) && fail) {
          fail = false;
          throw new Error("disk full");
        }
        writes.push(batch);
      },
      () => Promise.reject(new Error("commit failed")),
      (e) => errors.push(e),
    );
    commit.push(1);
    commit.push(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(errors.map(String)).toEqual(["Error: commit failed", "Error: disk full"]);
    commit.push(4);
    expect(writes).toEqual([[1], [4]]);
  });

  it("with a deferral, writes after the caller's turn (or the landing's) what waits, in one write", async () => {
    const d = disk();
    const writes: number[][] = [];
    const afterTurn: (() => void)[] = [];
    const commit = new GroupCommit<number>((batch) => writes.push(batch), d.durable, (e) => { throw e; }, (run) => afterTurn.push(run));
    commit.push(1);
    commit.push(2);
    expect(writes).toEqual([]);
    expect(commit.pending).toEqual([1, 2]);
    expect(afterTurn).toHaveLength(1);
    afterTurn.shift()!();
    expect(writes).toEqual([[1, 2]]);
    expect(d.inFlight).toBe(1);
    // During the commit, items wait for it as before; when it lands they are written in the deferred turn.
    commit.push(3);
    expect(afterTurn).toHaveLength(0);
    await d.land();
    expect(writes).toEqual([[1, 2]]);
    afterTurn.shift()!();
    expect(writes).toEqual([[1, 2], [3]]);
    await d.land();
    // A flush still writes at once.
    commit.push(4);
    commit.flush();
    expect(writes).toEqual([[1, 2], [3], [4]]);
    afterTurn.shift()!();
    expect(writes).toHaveLength(3);
  });

  it("with pacing, a busy room's next write waits out the interval since the last one began, with no commit in flight meanwhile", async () => {
    const d = disk();
    const writes: number[][] = [];
    const afterTurn: (() => void)[] = [];
    const timers: { at: number; run: () => void }[] = [];
    let now = 1000;
    const pacing = { minIntervalMs: 10, now: () => now, later: (delayMs: number, run: () => void) => void timers.push({ at: now + delayMs, run }) };
    const commit = new GroupCommit<number>((batch) => writes.push(batch), d.durable, (e) => { throw e; }, (run) => afterTurn.push(run), pacing);
    // A quiet room's first item goes in the next turn, as without pacing.
    commit.push(1);
    afterTurn.shift()!();
    expect(writes).toEqual([[1]]);
    now += 1;
    await d.land();
    // Landed 1 ms after that write began: the next waits for the other 9, with nothing in flight.
    commit.push(2);
    now += 3;
    commit.push(3);
    expect(afterTurn).toHaveLength(0);
    expect(timers.map((t) => t.at)).toEqual([1010]);
    expect(commit.isInFlight).toBe(false);
    expect(writes).toEqual([[1]]);
    now = 1010;
    timers.shift()!.run();
    expect(writes).toEqual([[1], [2, 3]]);
    // Landing after the interval has passed: the next write goes in the deferred turn at once.
    now = 1030;
    await d.land();
    commit.push(4);
    expect(timers).toHaveLength(0);
    afterTurn.shift()!();
    expect(writes).toEqual([[1], [2, 3], [4]]);
  });
});
