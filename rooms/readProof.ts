/**
 * Bounds what a room sends to a client that does not read. A room cannot see a socket's send
 * buffer, so it asks for proof instead: after `probeAfterBytes` unproven bytes it sends a probe
 * that every reading client answers (a y-protocols sync step 1, answered by a step 2; a game
 * `probe`, echoed). Bytes before an answered probe are proven read. A frame that would take a
 * connection more than `maxUnreadBytes` past its outstanding probe is not sent: the connection is
 * closed (4408). What may sit unread for one connection is at most probeAfterBytes + one answer +
 * maxUnreadBytes, where an answer is one frame, or a fresh client's sync answer (two frames, the
 * probe after its last: RoomSends.sendAnswer), at most the document bound and an eighth of it.
 *
 * Clients answer probes in order, once each, so answers are counted rather than matched. This
 * bounds stalled sockets, not hostile clients: one that answers without reading passes.
 * In memory only: after the room hibernates (it was idle) every connection starts afresh.
 */
export interface ReadProofLimits {
  probeAfterBytes: number;
  maxUnreadBytes: number;
}

export type SendVerdict = "ok" | "probe" | "close";

class Budget {
  sent = 0;
  provenAt = 0;
  /** `sent` at each outstanding probe, oldest first; null for a probe that proves nothing (see expectAnswer). */
  outstanding: (number | null)[] = [];
}

export class ReadProof {
  readonly #budgets = new Map<string, Budget>();

  constructor(readonly limits: ReadProofLimits) {}

  /**
   * The client will answer something sent outside the budget (the room's own sync step 1 at
   * connect): that answer proves nothing, so it must not be counted for a later probe.
   */
  expectAnswer(connectionId: string): void {
    this.#budget(connectionId).outstanding.push(null);
  }

  /** Records a frame about to be sent; says whether to send it and probe after it, or close instead. */
  sent(connectionId: string, bytes: number): SendVerdict {
    const budget = this.#budget(connectionId);
    budget.sent += bytes;
    const probeAt = firstProbe(budget.outstanding);
    if (probeAt === null) {
      return budget.sent - budget.provenAt >= this.limits.probeAfterBytes ? "probe" : "ok";
    }
    return budget.sent - probeAt > this.limits.maxUnreadBytes ? "close" : "ok";
  }

  /** Records the probe that `sent` asked for, once sent. */
  probed(connectionId: string, bytes: number): void {
    const budget = this.#budget(connectionId);
    budget.sent += bytes;
    budget.outstanding.push(budget.sent);
  }

  /** The client answered its oldest outstanding probe. */
  answered(connectionId: string): void {
    const budget = this.#budgets.get(connectionId);
    if (!budget || budget.outstanding.length === 0) return;
    const at = budget.outstanding.shift();
    if (at !== null && at !== undefined) budget.provenAt = at;
  }

  forget(connectionId: string): void {
    this.#budgets.delete(connectionId);
  }

  #budget(connectionId: string): Budget {
    let budget = this.#budgets.get(connectionId);
    if (!budget) this.#budgets.set(connectionId, (budget = new Budget()));
    return budget;
  }
}

/** The oldest outstanding probe that proves something, or null: a loop, since this runs at every send. */
function firstProbe(outstanding: (number | null)[]): number | null {
  for (const at of outstanding) if (at !== null) return at;
  return null;
}
