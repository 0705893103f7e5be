/**
 * The binary game wire: what a game room sends a client that said `wire: "binary"` in its hello,
 * instead of the JSON `full` and `delta` messages (every other message stays JSON text). The server
 * encodes each tick's frame once for everyone on the same baseline; a player's copy carries a small
 * per-player part (its ack) in front, a spectator gets the shared frame as it is.
 *
 * ```
 * frame   := kind [ack] [events] tick [matchId] keysFrom keyCount key* [root]
 * kind    := byte: DELTA (1) or FULL (2), | ACK_FLAG (0x80) when an ack follows, | EVENTS_FLAG (0x40) when events do
 * ack     := uvarint: the last input seq the room applied for this player
 * events  := string: the tick's game events as a JSON array (only on the `binary2` wire)
 * tick    := uvarint
 * matchId := value (FULL only): null or a string
 * key     := string, then f64 step if the key's numbers are quantised (length varint's low bit says so)
 * root    := uvarint tag, payload: the whole view (FULL) or its change (DELTA; absent: nothing changed)
 * op      := uvarint (keyIndex + 1) * 8 + tag, payload; a 0 byte ends a list of ops
 * ```
 * Object keys are numbers into a key table that both sides build: a FULL frame starts it again
 * (keysFrom 0) and every frame appends the keys it introduces. A number under a key with a step is
 * sent as round(value / step) and read back as that times the step (the game's `precision`).
 */
import { ByteReader, WireError } from "./wireBytes.ts";

export const WireKind = { DELTA: 1, FULL: 2 } as const;
export const ACK_FLAG = 0x80;
/** Set on `binary2` frames whose tick emitted events: one frame per client per tick instead of two. */
export const EVENTS_FLAG = 0x40;
/** What an op does to its key. */
export const Op = {
  DELETE: 0,
  /** Changes inside an object: ops until a 0. */
  PATCH: 1,
  /** A number moved by a zigzag varint of steps. */
  STEP: 2,
  /** A number: zigzag varint of steps (of 1 without a declared step). */
  INT: 3,
  /** Any JSON value (Value tags). */
  VALUE: 4,
  /** A new object: ops until a 0, applied to {}. */
  OBJECT: 5,
} as const;
/** Tags of a standalone value (inside VALUE and arrays). */
export const Value = { NULL: 0, FALSE: 1, TRUE: 2, INT: 3, FLOAT: 4, STRING: 5, ARRAY: 6, OBJECT: 7 } as const;

/** The key table a client has built from the frames it read. */
export interface WireKeys {
  names: string[];
  /** Quantisation step per key index, 0 for none. */
  steps: number[];
}

export interface DecodedFrame {
  isFull: boolean;
  tick: number;
  /** Present only in a player's frame. */
  ack: number | null;
  /** Present only in FULL frames. */
  matchId?: string | null;
  /** The tick's game events, present only when it had some (the `binary2` wire). */
  events?: unknown[];
  view: unknown;
}

/** Reads one binary frame onto `base` (the view before it; ignored for FULL) and the key table, which it extends. */
export function decodeWireFrame(bytes: Uint8Array, base: unknown, keys: WireKeys): DecodedFrame {
  const r = new ByteReader(bytes);
  const head = r.byte();
  const kind = head & ~(ACK_FLAG | EVENTS_FLAG);
  if (kind !== WireKind.DELTA && kind !== WireKind.FULL) throw new WireError(`unknown frame kind ${kind}`);
  const isFull = kind === WireKind.FULL;
  const ack = head & ACK_FLAG ? r.uvarint() : null;
  const events = head & EVENTS_FLAG ? readEvents(r) : undefined;
  const tick = r.uvarint();
  const frame: DecodedFrame = { isFull, tick, ack, view: base };
  if (events) frame.events = events;
  if (isFull) {
    const matchId = readValue(r, keys);
    if (matchId !== null && typeof matchId !== "string") throw new WireError("bad match id");
    frame.matchId = matchId;
  }
  readKeys(r, keys, isFull);
  if (r.isDone && !isFull) return frame;
  const holder = { v: isFull ? null : structuredClone(base) };
  applyOp(r, keys, holder, "v", r.uvarint(), 0);
  if (!r.isDone) throw new WireError("bytes after the view");
  frame.view = holder.v;
  return frame;
}

function readEvents(r: ByteReader): unknown[] {
  let events: unknown;
  try {
    events = JSON.parse(r.string());
  } catch {
    throw new WireError("events are not JSON");
  }
  if (!Array.isArray(events)) throw new WireError("events are not a list");
  return events;
}

function readKeys(r: ByteReader, keys: WireKeys, isFull: boolean): void {
  const from = r.uvarint();
  if (isFull) keys.names.length = keys.steps.length = 0;
  if (from !== keys.names.length) throw new WireError(`key table out of step: frame starts at ${from}, client has ${keys.names.length}`);
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const head = r.uvarint();
    const name = r.stringOf(head >>> 1);
    keys.names.push(name);
    keys.steps.push(head & 1 ? r.f64() : 0);
  }
}

type Holder = Record<string, unknown>;

function applyOp(r: ByteReader, keys: WireKeys, target: Holder, key: string, tag: number, step: number): void {
  switch (tag) {
    case Op.DELETE:
      delete target[key];
      return;
    case Op.PATCH: {
      let child = own(target, key);
      if (typeof child !== "object" || child === null || Array.isArray(child)) setKey(target, key, (child = {}));
      return applyOps(r, keys, child as Holder);
    }
    case Op.STEP: {
      const old = own(target, key);
      const n = typeof old === "number" ? old : 0;
      const d = r.svarint();
      return setKey(target, key, step > 0 ? (Math.round(n / step) + d) * step : n + d);
    }
    case Op.INT: {
      const q = r.svarint();
      return setKey(target, key, step > 0 ? q * step : q);
    }
    case Op.VALUE:
      return setKey(target, key, readValue(r, keys));
    case Op.OBJECT: {
      const child: Holder = {};
      applyOps(r, keys, child);
      return setKey(target, key, child);
    }
    default:
      throw new WireError(`unknown op ${tag}`);
  }
}

function applyOps(r: ByteReader, keys: WireKeys, target: Holder): void {
  for (let head = r.uvarint(); head !== 0; head = r.uvarint()) {
    const index = Math.floor(head / 8) - 1;
    const name = keys.names[index];
    if (name === undefined) throw new WireError(`unknown key ${index}`);
    applyOp(r, keys, target, name, head % 8, keys.steps[index]!);
  }
}

function readValue(r: ByteReader, keys: WireKeys): unknown {
  const tag = r.byte();
  switch (tag) {
    case Value.NULL: return null;
    case Value.FALSE: return false;
    case Value.TRUE: return true;
    case Value.INT: return r.svarint();
    case Value.FLOAT: return r.f64();
    case Value.STRING: return r.string();
    case Value.ARRAY: {
      const count = r.uvarint();
      if (count > r.remaining) throw new WireError("array longer than the frame");
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) out.push(readValue(r, keys));
      return out;
    }
    case Value.OBJECT: {
      const out: Holder = {};
      applyOps(r, keys, out);
      return out;
    }
    default:
      throw new WireError(`unknown value tag ${tag}`);
  }
}

/** Only own keys: `__proto__` or `constructor` must never reach Object.prototype. */
const own = (target: Holder, key: string): unknown => (Object.hasOwn(target, key) ? target[key] : undefined);

/** Like JSON.parse, a key named __proto__ becomes an own property, never the object's prototype. */
function setKey(target: Holder, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
