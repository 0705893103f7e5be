import type { RoomSocket } from "../ports.ts";

/** A socket that records what the room sent it and how the room closed it. */
export class MemorySocket implements RoomSocket {
  readonly frames: (string | Uint8Array)[] = [];
  closed: { code: number; reason: string } | null = null;
  #attachment: unknown = null;

  constructor(readonly id: string) {}

  get isOpen(): boolean {
    return this.closed === null;
  }

  send(data: string | Uint8Array): void {
    if (this.closed) throw new Error(`socket ${this.id}: send after close`);
    // A copy, as a real socket would have sent these bytes: the room may reuse its buffer.
    this.frames.push(typeof data === "string" ? data : data.slice());
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  get attachment(): unknown {
    return this.#attachment;
  }

  attach(value: unknown): void {
    // Structured-cloned, as a Durable Object's attachment is: the room may not keep a live reference.
    this.#attachment = structuredClone(value);
  }

  /** The JSON control frames received, parsed. */
  controls(): { type: string; [key: string]: unknown }[] {
    return this.frames.filter((f): f is string => typeof f === "string" && f.startsWith("{")).map((f) => JSON.parse(f));
  }

  binaries(): Uint8Array[] {
    return this.frames.filter((f): f is Uint8Array => typeof f !== "string");
  }
}
