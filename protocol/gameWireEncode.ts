/**
 * The server's half of the binary game wire (format in gameWire.ts): the key table, and the
 * encoders of a whole view and of the change between two views, written straight to bytes
 * (no patch objects, no JSON) so one tick's frame costs one walk over the view.
 */
import { ACK_FLAG, EVENTS_FLAG, Op, Value, WireKind } from "./gameWire.ts";
import { ByteWriter } from "./wireBytes.ts";

const utf8 = new TextEncoder();

/** Object keys by number, in the order they first appeared, with the game's step for each. */
export class KeyTable {
  readonly #ids = new Map<string, number>();
  readonly #defs: Uint8Array[] = [];
  readonly #steps: number[] = [];
  readonly #precision: Readonly<Record<string, number>>;

  constructor(precision: Readonly<Record<string, number>> = {}) {
    this.#precision = precision;
  }

  get size(): number {
    return this.#defs.length;
  }

  /** The key's number, added to the table on first use. */
  idOf(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#defs.length;
      this.#ids.set(name, id);
      const step = Object.hasOwn(this.#precision, name) ? this.#precision[name]! : 0;
      const bytes = utf8.encode(name);
      const w = new ByteWriter();
      w.uvarint(bytes.length * 2 + (step > 0 ? 1 : 0));
      w.bytes(bytes);
      if (step > 0) w.f64(step);
      this.#defs.push(w.copy());
      this.#steps.push(step);
    }
    return id;
  }

  stepOf(id: number): number {
    return this.#steps[id]!;
  }

  /** Writes the table's entries from `from` on, after their count. */
  writeFrom(w: ByteWriter, from: number): void {
    w.uvarint(from);
    w.uvarint(this.#defs.length - from);
    for (let i = from; i < this.#defs.length; i++) w.bytes(this.#defs[i]!);
  }
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** Only own keys: a view's `__proto__` key is data, never Object.prototype. */
const own = (o: Obj, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const header = (id: number, tag: number) => (id + 1) * 8 + tag;

/** Largest magnitude sent as a varint: its zigzag (twice it) must stay a safe integer. */
const MAX_VARINT_NUMBER = 2 ** 52 - 1;
const isVarintNumber = (n: number) => Number.isInteger(n) && Math.abs(n) <= MAX_VARINT_NUMBER;

/** The number as whole steps, or null when it cannot travel as one (not finite, or too large). */
function steps(n: number, step: number): number | null {
  const q = step > 0 ? Math.round(n / step) : n;
  return isVarintNumber(q) ? q + 0 : null;
}

/**
 * Writes the op that turns `before` into `after` (under key `id`, or the root with -1), or nothing
 * when they are equal at the wire's precision; returns whether it wrote.
 */
export function writeChange(w: ByteWriter, keys: KeyTable, id: number, before: unknown, after: unknown): boolean {
  const step = id < 0 ? 0 : keys.stepOf(id);
  const head = (tag: number) => w.uvarint(id < 0 ? tag : header(id, tag));
  if (isObject(before) && isObject(after)) {
    const start = w.length;
    head(Op.PATCH);
    const opsAt = w.length;
    for (const key of Object.keys(before)) if (before[key] !== undefined && own(after, key) === undefined) w.uvarint(header(keys.idOf(key), Op.DELETE));
    for (const key of Object.keys(after)) {
      const value = after[key];
      if (value === undefined) continue;
      const old = own(before, key);
      if (old === undefined) writeSet(w, keys, keys.idOf(key), value);
      else writeChange(w, keys, keys.idOf(key), old, value);
    }
    if (w.length === opsAt) {
      w.length = start;
      return false;
    }
    w.byte(0);
    return true;
  }
  if (typeof before === "number" && typeof after === "number") {
    const a = steps(before, step);
    const b = steps(after, step);
    if (a !== null && b !== null) {
      if (a === b) return false;
      // A move of a few steps is one byte; a jump is cheaper as the new value.
      const isSmall = Math.abs(b - a) < 64 || Math.abs(b - a) < Math.abs(b);
      head(isSmall ? Op.STEP : Op.INT);
      w.svarint(isSmall ? b - a : b);
      return true;
    }
  }
  if (isEqual(before, after)) return false;
  writeSet(w, keys, id, after);
  return true;
}

/** Writes an op setting key `id` (or the root, -1) to `value`. */
export function writeSet(w: ByteWriter, keys: KeyTable, id: number, value: unknown): void {
  const head = (tag: number) => w.uvarint(id < 0 ? tag : header(id, tag));
  if (typeof value === "number") {
    const q = steps(value, id < 0 ? 0 : keys.stepOf(id));
    if (q !== null) {
      head(Op.INT);
      return w.svarint(q);
    }
  }
  if (isObject(value)) {
    head(Op.OBJECT);
    return writeFields(w, keys, value);
  }
  head(Op.VALUE);
  writeValue(w, keys, value);
}

function writeFields(w: ByteWriter, keys: KeyTable, value: Obj): void {
  for (const key of Object.keys(value)) if (value[key] !== undefined) writeSet(w, keys, keys.idOf(key), value[key]);
  w.byte(0);
}

/** A value as JSON.stringify would see it: NaN and Infinity become null, functions and undefined null. */
function writeValue(w: ByteWriter, keys: KeyTable, value: unknown): void {
  if (value === true) return w.byte(Value.TRUE);
  if (value === false) return w.byte(Value.FALSE);
  if (typeof value === "number") {
    if (isVarintNumber(value)) {
      w.byte(Value.INT);
      return w.svarint(value);
    }
    if (!Number.isFinite(value)) return w.byte(Value.NULL);
    w.byte(Value.FLOAT);
    return w.f64(value);
  }
  if (typeof value === "string") {
    w.byte(Value.STRING);
    return w.string(value);
  }
  if (Array.isArray(value)) {
    w.byte(Value.ARRAY);
    w.uvarint(value.length);
    for (const item of value) writeValue(w, keys, item);
    return;
  }
  if (isObject(value)) {
    w.byte(Value.OBJECT);
    return writeFields(w, keys, value);
  }
  w.byte(Value.NULL);
}

function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => isEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => isEqual(a[k], b[k]));
  }
  // NaN and non-finite numbers all travel as null.
  return typeof a === "number" && typeof b === "number" && !Number.isFinite(a) && !Number.isFinite(b);
}

/** The shared part of a frame: kind, tick, match id (FULL), the keys from `keysFrom`, then `body`. */
export function assembleFrame(kind: number, tick: number, matchId: string | null, keys: KeyTable, keysFrom: number, body: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.byte(kind);
  w.uvarint(tick);
  if (kind === WireKind.FULL) writeValue(w, keys, matchId);
  keys.writeFrom(w, keysFrom);
  w.bytes(body);
  return w.copy();
}

/** A player's copy of a shared frame: the kind with ACK_FLAG, the ack, then the rest of the frame. */
export function withAck(shared: Uint8Array, ack: number): Uint8Array {
  // One exact allocation per player per tick: this runs 2,000 times a second at 100 players.
  let ackBytes = 1;
  for (let n = ack; n >= 128; n = Math.floor(n / 128)) ackBytes += 1;
  const out = new Uint8Array(shared.length + ackBytes);
  out[0] = shared[0]! | ACK_FLAG;
  let n = ack;
  for (let i = 1; i <= ackBytes; i++, n = Math.floor(n / 128)) out[i] = (n % 128) | (i < ackBytes ? 0x80 : 0);
  out.set(shared.subarray(1), ackBytes + 1);
  return out;
}

/** A tick's events as a `binary2` frame carries them (gameWire.ts), encoded once for every connection. */
export function encodeFrameEvents(events: readonly unknown[]): Uint8Array {
  const w = new ByteWriter();
  w.string(JSON.stringify(events));
  return w.copy();
}

/**
 * A connection's copy of a shared frame: its ack (null for a spectator) and the tick's encoded
 * events (null: none, or a `binary` connection, which gets them as a JSON message) after the kind byte.
 */
export function withPlayerPart(shared: Uint8Array, ack: number | null, events: Uint8Array | null): Uint8Array {
  if (events === null) return ack === null ? shared : withAck(shared, ack);
  let ackBytes = 0;
  if (ack !== null) for (let n = ack, more = true; more; n = Math.floor(n / 128)) (ackBytes += 1), (more = n >= 128);
  const out = new Uint8Array(shared.length + ackBytes + events.length);
  out[0] = shared[0]! | EVENTS_FLAG | (ack === null ? 0 : ACK_FLAG);
  let n = ack ?? 0;
  for (let i = 1; i <= ackBytes; i++, n = Math.floor(n / 128)) out[i] = (n % 128) | (i < ackBytes ? 0x80 : 0);
  out.set(events, ackBytes + 1);
  out.set(shared.subarray(1), ackBytes + 1 + events.length);
  return out;
}
