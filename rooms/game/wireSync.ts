import { WireKind } from "../../protocol/gameWire.ts";
import { KeyTable, assembleFrame, withPlayerPart, writeChange, writeSet } from "../../protocol/gameWireEncode.ts";
import { ByteWriter } from "../../protocol/wireBytes.ts";

/**
 * Keys the binary wire's table holds before it starts again. Every FULL frame carries the whole
 * table, and a game that names entities by ever-new ids (arena's gems) would grow it without end;
 * past this, every binary connection gets a FULL frame with a new table at the next tick.
 */
export const MAX_WIRE_KEYS = 1024;

/** One view (the shared one, or a player's own) as the binary connections last had it. */
interface ViewLine {
  version: number;
  /** The version this tick's delta starts from. */
  previous: number;
  view: unknown;
  /** This tick's change from the version before, encoded once; null when it changed otherwise. */
  delta: Uint8Array | null;
  tick: number;
}

interface Peer {
  key: string | null;
  version: number;
  keysKnown: number;
  ack: number | null;
}

/**
 * The binary twin of ViewSync (protocol/gameWire.ts): each distinct view is diffed and encoded
 * once per tick, and every connection that had the previous version gets the same bytes, with
 * its ack in front for a player. A connection on any other version gets the tick's FULL frame,
 * also encoded once. Baselines are in memory: after a wake every connection gets a FULL frame.
 */
export class WireSync {
  #keys: KeyTable;
  readonly #precision: Readonly<Record<string, number>>;
  readonly #lines = new Map<string | null, ViewLine>();
  readonly #peers = new Map<string, Peer>();
  #matchId: string | null = null;
  /** Versions never repeat, not even after the table starts again, so an old baseline never matches. */
  #nextVersion = 1;
  #tick = -1;
  #frames = new Map<string, { bytes: Uint8Array; keysTo: number }>();
  readonly #scratch = new ByteWriter();

  constructor(precision: Readonly<Record<string, number>> = {}) {
    this.#precision = precision;
    this.#keys = new KeyTable(precision);
  }

  /** Call once per tick before next(); a new match or a full table starts the key table again. */
  beginTick(tick: number, matchId: string | null): void {
    this.#tick = tick;
    this.#frames = new Map();
    if (matchId !== this.#matchId || this.#keys.size > MAX_WIRE_KEYS) {
      this.#matchId = matchId;
      this.#keys = new KeyTable(this.#precision);
      this.#lines.clear();
    }
  }

  /**
   * The frame for one connection this tick, or null when it has nothing new. `key` names the view
   * (null: the one everyone shares); `ack` is null for a spectator, who gets the shared bytes only;
   * `events` are the tick's encoded events for a `binary2` connection (a frame goes even if nothing else changed).
   */
  next(connectionId: string, key: string | null, ack: number | null, view: unknown, events: Uint8Array | null = null): Uint8Array | null {
    const line = this.#line(key, view);
    const peer = this.#peers.get(connectionId);
    let shared: { bytes: Uint8Array; keysTo: number };
    if (peer && peer.key === key && peer.version === line.version) {
      if (peer.ack === ack && events === null) return null;
      shared = this.#frame(`${key}|same|${peer.keysKnown}`, WireKind.DELTA, peer.keysKnown, new Uint8Array(0));
    } else if (peer && peer.key === key && line.delta && peer.version === line.previous) {
      shared = this.#frame(`${key}|delta|${peer.keysKnown}`, WireKind.DELTA, peer.keysKnown, line.delta);
    } else {
      shared = this.#full(key, line);
    }
    if (peer) {
      // Updated in place: 100 players make 2,000 of these a second.
      peer.key = key;
      peer.version = line.version;
      peer.keysKnown = shared.keysTo;
      peer.ack = ack;
    } else this.#peers.set(connectionId, { key, version: line.version, keysKnown: shared.keysTo, ack });
    return withPlayerPart(shared.bytes, ack, events);
  }

  forget(connectionId: string): void {
    this.#peers.delete(connectionId);
  }

  /** The view's line, moved to this tick's view on its first use in the tick. */
  #line(key: string | null, view: unknown): ViewLine {
    let line = this.#lines.get(key);
    if (line && line.tick === this.#tick) return line;
    if (!line) {
      line = { version: this.#nextVersion++, previous: 0, view: structuredClone(view), delta: null, tick: this.#tick };
      this.#lines.set(key, line);
      return line;
    }
    const w = this.#scratch;
    w.length = 0;
    line.tick = this.#tick;
    if (writeChange(w, this.#keys, -1, line.view, view)) {
      line.delta = w.copy();
      line.previous = line.version;
      line.version = this.#nextVersion++;
      line.view = structuredClone(view);
    } else line.delta = null;
    return line;
  }

  #full(key: string | null, line: ViewLine): { bytes: Uint8Array; keysTo: number } {
    const cacheKey = `${key}|full`;
    const cached = this.#frames.get(cacheKey);
    if (cached) return cached;
    const w = this.#scratch;
    w.length = 0;
    writeSet(w, this.#keys, -1, line.view);
    return this.#frame(cacheKey, WireKind.FULL, 0, w.copy());
  }

  #frame(cacheKey: string, kind: number, keysFrom: number, body: Uint8Array): { bytes: Uint8Array; keysTo: number } {
    let frame = this.#frames.get(cacheKey);
    if (!frame) {
      frame = { bytes: assembleFrame(kind, this.#tick, this.#matchId, this.#keys, keysFrom, body), keysTo: this.#keys.size };
      this.#frames.set(cacheKey, frame);
    }
    return frame;
  }
}
