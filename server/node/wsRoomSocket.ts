import type { WebSocket } from "ws";
import type { RoomSocket } from "../../rooms/engine/ports.ts";

/** The `ws` readyState of an open socket. */
const OPEN = 1;

/** A `ws` socket as a room engine sees it: send, close, and an attachment that lives as long as the socket. */
export class WsRoomSocket implements RoomSocket {
  readonly id: string;
  readonly #ws: WebSocket;
  #attachment: unknown = null;

  constructor(id: string, ws: WebSocket) {
    this.id = id;
    this.#ws = ws;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === OPEN;
  }

  get attachment(): unknown {
    return this.#attachment;
  }

  attach(value: unknown): void {
    // As a hibernatable socket's attachment is: a structured clone, so later edits of `value` do not leak in.
    this.#attachment = structuredClone(value);
  }

  send(data: string | Uint8Array): void {
    if (this.isOpen) this.#ws.send(data);
  }

  close(code: number, reason: string): void {
    if (this.isOpen) this.#ws.close(code, reason);
  }
}
