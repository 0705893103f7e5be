import { GameLimits, diffJson, encodeGameMessage, type PatchOp, type ServerGameMessage } from "../../protocol/index.ts";

interface Sent {
  matchId: string | null;
  ack: number;
  view: unknown;
}

/**
 * What each connection last saw, so each tick sends only the change: a delta with the
 * tick and the player's ack, or a full view when the match changed or the delta would be
 * bigger than MAX_DELTA_BYTES. In memory: after a wake every connection gets a full view.
 */
export class ViewSync {
  readonly #sent = new Map<string, Sent>();
  /**
   * When connections share a view object (a game whose view does not depend on the player), the
   * copy kept as their baseline and the diff from a shared baseline are made once per tick, not
   * once per connection: with 100 players that was 100 diffs and clones of the same view.
   * Only within one tick: a game may return parts of its state that change in place.
   */
  #copies = new Map<object, unknown>();
  #patches = new Map<object, Map<object, { patch: PatchOp[]; json: string }>>();

  /** Call before each tick's round of next(). */
  beginTick(): void {
    this.#copies = new Map();
    this.#patches = new Map();
  }

  /** The frame to send this connection now, or null when nothing changed. */
  next(connectionId: string, matchId: string | null, tick: number, ack: number, view: unknown): string | null {
    const last = this.#sent.get(connectionId);
    const record = () => this.#sent.set(connectionId, { matchId, ack, view: this.#copyOf(view) });
    if (last && last.matchId === matchId) {
      const { patch, json } = this.#diff(last.view, view);
      if (patch.length === 0 && last.ack === ack) return null;
      const delta = `{"type":"delta","tick":${tick},"ack":${ack},"patch":${json}}`;
      if (delta.length <= GameLimits.MAX_DELTA_BYTES) {
        record();
        return delta;
      }
    }
    record();
    return encodeGameMessage({ type: "full", matchId, tick, ack, view });
  }

  /** Notes a view sent some other way (the welcome), so the next tick sends a delta. */
  sent(connectionId: string, matchId: string | null, ack: number, view: unknown): void {
    this.#sent.set(connectionId, { matchId, ack, view: structuredClone(view) });
  }

  #copyOf(view: unknown): unknown {
    if (typeof view !== "object" || view === null) return view;
    let copy = this.#copies.get(view);
    if (copy === undefined) this.#copies.set(view, (copy = structuredClone(view)));
    return copy;
  }

  #diff(base: unknown, view: unknown): { patch: PatchOp[]; json: string } {
    const compute = () => {
      const patch = diffJson(base, view);
      return { patch, json: JSON.stringify(patch) };
    };
    if (typeof base !== "object" || base === null || typeof view !== "object" || view === null) return compute();
    let byView = this.#patches.get(base);
    if (!byView) this.#patches.set(base, (byView = new Map()));
    let result = byView.get(view);
    if (!result) byView.set(view, (result = compute()));
    return result;
  }

  forget(connectionId: string): void {
    this.#sent.delete(connectionId);
  }
}

export type { ServerGameMessage };
