import type { Scheduler } from "./ports.ts";

/**
 * When the alarm this room instance set will run (epoch ms), until it runs: known only for an alarm
 * set through `set` and not run, deleted or lost with the instance since. A join or leave whose own
 * deadlines fall no earlier needs no new alarm: a 500-socket join storm worked the room's next alarm
 * out 500 times (the outbox, the version schedule, every token deadline, the alarm read back), for
 * the alarm its first join had set. Unknown is always safe: the caller works the alarm out again.
 */
export class ArmedAlarm {
  #at: number | null = null;

  /**
   * Whether the alarm is known to run no later than each of `times` (null: that one needs none). One
   * already due (`at` before `now`) is unknown: it should have run, and an alarm whose handler failed
   * before it reached the room (and ran out of retries) never calls `forget`, so trusting it would let
   * no join or leave set the alarm again.
   */
  covers(now: number, ...times: (number | null)[]): boolean {
    const at = this.#at;
    return at !== null && at >= now && times.every((time) => time === null || at <= time);
  }

  async set(scheduler: Pick<Scheduler, "setAlarm">, at: number): Promise<void> {
    this.#at = null; // unknown until the runtime has it
    await scheduler.setAlarm(at);
    this.#at = at;
  }

  /** The alarm ran (the runtime clears it to run it) or was deleted. */
  forget(): void {
    this.#at = null;
  }
}
