import type { DatabaseSync } from "node:sqlite";

/** Longest a single timer waits before the book looks again; Node's setTimeout overflows past 2^31 - 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every object's one alarm, in the host's SQLite (one table for all objects, so a restart finds
 * every due alarm with one query instead of opening each room's file). One timer is armed at the
 * earliest alarm; when it fires, each due alarm is removed and handed to `fire`, which loads its
 * object and runs its `alarm()`. An alarm whose run throws is set again a second later, as a
 * Durable Object retries a failed alarm.
 */
export class AlarmBook {
  readonly #db: DatabaseSync;
  readonly #fire: (kind: string, name: string) => Promise<void>;
  #timer: NodeJS.Timeout | null = null;
  #armedAt: number | null = null;
  #isClosed = false;

  constructor(db: DatabaseSync, fire: (kind: string, name: string) => Promise<void>) {
    this.#db = db;
    this.#fire = fire;
    db.exec("CREATE TABLE IF NOT EXISTS object_alarm (kind TEXT NOT NULL, name TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (kind, name))");
    this.#arm();
  }

  get(kind: string, name: string): number | null {
    const row = this.#db.prepare("SELECT at FROM object_alarm WHERE kind = ? AND name = ?").get(kind, name) as { at: number } | undefined;
    return row?.at ?? null;
  }

  set(kind: string, name: string, at: number): void {
    this.#db.prepare("INSERT INTO object_alarm (kind, name, at) VALUES (?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET at = excluded.at").run(kind, name, Math.floor(at));
    this.#arm();
  }

  delete(kind: string, name: string): void {
    this.#db.prepare("DELETE FROM object_alarm WHERE kind = ? AND name = ?").run(kind, name);
  }

  close(): void {
    this.#isClosed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #arm(): void {
    if (this.#isClosed) return;
    const next = (this.#db.prepare("SELECT min(at) AS at FROM object_alarm").get() as { at: number | null }).at;
    if (next === null || next === this.#armedAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedAt = next;
    this.#timer = setTimeout(() => void this.#runDue(), Math.min(Math.max(0, next - Date.now()), MAX_TIMER_MS));
  }

  async #runDue(): Promise<void> {
    this.#timer = null;
    this.#armedAt = null;
    const now = Date.now();
    const due = this.#db.prepare("SELECT kind, name, at FROM object_alarm WHERE at <= ? ORDER BY at").all(now) as { kind: string; name: string; at: number }[];
    for (const { kind, name, at } of due) {
      this.#db.prepare("DELETE FROM object_alarm WHERE kind = ? AND name = ? AND at = ?").run(kind, name, at);
      try {
        await this.#fire(kind, name);
      } catch (error) {
        console.error(JSON.stringify({ event: "alarm_failed", kind, name, error: String(error) }));
        if (this.get(kind, name) === null) this.set(kind, name, Date.now() + 1000);
      }
    }
    this.#arm();
  }
}
