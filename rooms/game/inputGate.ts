import { GameLimits } from "../../protocol/index.ts";
import { TokenBucket } from "../doc/tokenBucket.ts";

export type GateVerdict =
  | { ok: true }
  | { ok: false; reply: "rate_limited" }
  | { ok: false; close: "too_large" | "rate_limited" | "abuse" };

/**
 * The first check every game message passes, before it is even parsed: a size bound and
 * a per-connection token bucket. Refusals count as strikes; past MAX_STRIKES the
 * connection is closed. In memory: a room that hibernated was not being flooded.
 */
export class InputGate {
  readonly #bucket: TokenBucket;
  #strikes = 0;

  constructor(now: number) {
    this.#bucket = new TokenBucket(GameLimits.MESSAGE_BURST, GameLimits.MESSAGES_PER_SECOND, now);
  }

  admit(bytes: number, now: number): GateVerdict {
    if (bytes > GameLimits.MAX_INPUT_BYTES) return { ok: false, close: "too_large" };
    if (this.#bucket.take(now)) return { ok: true };
    return this.strike() ? { ok: false, close: "rate_limited" } : { ok: false, reply: "rate_limited" };
  }

  /** Counts a refused message; true when the connection has used up its strikes. */
  strike(): boolean {
    this.#strikes += 1;
    return this.#strikes > GameLimits.MAX_STRIKES;
  }
}
