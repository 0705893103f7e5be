/**
 * Bytes for the binary game wire (gameWire.ts): a growable writer and a bounds-checked reader of
 * unsigned and zigzag varints (up to 2^53, so every safe integer fits), float64s and UTF-8 strings.
 * No runtime imports: the SDK decodes with the reader in browsers.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** 2^32: varints above it are split with division, since JS bit operators work on 32 bits. */
const TWO_32 = 0x1_0000_0000;

/** A reader ran out of bytes or met a value it cannot decode: the frame is broken. */
export class WireError extends Error {}

/** Zigzag maps signed to unsigned so that small magnitudes stay short: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ... */
export const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

export class ByteWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  length = 0;

  #room(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.length + n));
    bigger.set(this.#buf.subarray(0, this.length));
    this.#buf = bigger;
    this.#view = new DataView(bigger.buffer);
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.length++] = b;
  }

  /** A non-negative safe integer, 7 bits a byte, low bits first. */
  uvarint(n: number): void {
    this.#room(8);
    while (n >= TWO_32) {
      this.#buf[this.length++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    while (n > 0x7f) {
      this.#buf[this.length++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.#buf[this.length++] = n;
  }

  svarint(n: number): void {
    this.uvarint(zigzag(n));
  }

  f64(n: number): void {
    this.#room(8);
    this.#view.setFloat64(this.length, n, true);
    this.length += 8;
  }

  string(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the length prefix is written once the size is known.
    this.#room(s.length * 3 + 8);
    const start = this.length;
    const lengthBytes = s.length * 3 < 128 ? 1 : s.length * 3 < 16384 ? 2 : 3;
    const { written } = encoder.encodeInto(s, this.#buf.subarray(start + lengthBytes));
    const head = new Uint8Array(lengthBytes);
    let n = written;
    for (let i = 0; i < lengthBytes; i++, n >>>= 7) head[i] = (n & 0x7f) | (i < lengthBytes - 1 ? 0x80 : 0);
    this.#buf.set(head, start);
    this.length = start + lengthBytes + written;
  }

  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.length);
    this.length += b.length;
  }

  /** A copy of what was written from `start`. */
  copy(start = 0): Uint8Array {
    return this.#buf.slice(start, this.length);
  }
}

export class ByteReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.#buf = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get isDone(): boolean {
    return this.offset >= this.#buf.length;
  }

  byte(): number {
    if (this.offset >= this.#buf.length) throw new WireError("frame ends early");
    return this.#buf[this.offset++]!;
  }

  uvarint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
    throw new WireError("varint too long");
  }

  svarint(): number {
    return unzigzag(this.uvarint());
  }

  f64(): number {
    if (this.offset + 8 > this.#buf.length) throw new WireError("frame ends early");
    const n = this.#view.getFloat64(this.offset, true);
    this.offset += 8;
    return n;
  }

  get remaining(): number {
    return this.#buf.length - this.offset;
  }

  string(): string {
    return this.stringOf(this.uvarint());
  }

  /** A string whose byte length was already read. */
  stringOf(length: number): string {
    if (this.offset + length > this.#buf.length) throw new WireError("frame ends early");
    const s = decoder.decode(this.#buf.subarray(this.offset, this.offset + length));
    this.offset += length;
    return s;
  }
}
