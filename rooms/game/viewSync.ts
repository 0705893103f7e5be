import { GameLimits, diffJson, encodeGameMessage, type ServerGameMessage } from "../../protocol/index.ts";

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

  /** The frame to send this connection now, or null when nothing changed. */
  next(connectionId: string, matchId: string | null, tick: number, ack: number, view: unknown): string | null {
    const last = this.#sent.get(connectionId);
    const record = () => this.#sent.set(connectionId, { matchId, ack, view: structuredClone(view) });
    if (last && last.matchId === matchId) {
      const patch = diffJson(last.view, view);
      if (patch.length === 0 && last.ack === ack) return null;
      const delta = encodeGameMessage({ type: "delta", tick, ack, patch });
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

  forget(connectionId: string): void {
    this.#sent.delete(connectionId);
  }
}

export type { ServerGameMessage };
