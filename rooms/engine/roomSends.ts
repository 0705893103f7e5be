import { CloseCode } from "../../protocol/index.ts";
import type { ReadProof, ReadProofLimits } from "../readProof.ts";
import type { RoomTelemetry } from "../telemetry.ts";
import type { RoomSocket } from "./ports.ts";

/** What sending needs of its room: the read-proof bound, its probe, and its close. */
export interface SendingRoom {
  readLimits: ReadProofLimits;
  probeFrame(): string | Uint8Array;
  closeSocket(socket: RoomSocket, code: CloseCode, reason: string): void;
}

/**
 * A room's sends (RoomCore.send and sendToAll): each frame counted, a client that has not proven it
 * reads probed, and one that never answers closed (4408) instead of sent more. A socket closed
 * earlier in the turn gets nothing.
 */
export class RoomSends {
  constructor(
    private readonly readProof: ReadProof,
    private readonly telemetry: RoomTelemetry,
    private readonly room: SendingRoom,
  ) {}

  send(socket: RoomSocket, data: string | Uint8Array): void {
    const bytes = frameBytes(data);
    const sent = this.#sendOne(socket, data, bytes);
    if (!sent) return;
    this.telemetry.sentToRoom(1, bytes);
    if (sent === "probe") this.#probe(socket);
  }

  /**
   * Sends one frame, encoded once by the caller, to every socket of `sockets` but `without`. Per
   * socket, O(1) work and no allocation (its read-proof budget, the send, its counters); the room's
   * counters once.
   */
  sendToAll(sockets: readonly RoomSocket[], data: string | Uint8Array, without?: string): void {
    const bytes = frameBytes(data);
    let sent = 0;
    for (const socket of sockets) {
      if (socket.id === without) continue;
      const verdict = this.#sendOne(socket, data, bytes);
      if (!verdict) continue;
      sent += 1;
      if (verdict === "probe") this.#probe(socket);
    }
    this.telemetry.sentToRoom(sent, bytes * sent);
  }

  /**
   * Sends frames that a client reads as one answer (a fresh client's sync: the document as an update, then a
   * step 2), in order, counted as `send` counts them; a probe any of them calls for goes after the
   * last, so the client does not answer a probe halfway through the answer.
   */
  sendAnswer(socket: RoomSocket, frames: readonly Uint8Array[]): void {
    let isProbeDue = false;
    for (const frame of frames) {
      const verdict = this.#sendOne(socket, frame, frame.byteLength);
      if (!verdict) return;
      this.telemetry.sentToRoom(1, frame.byteLength);
      isProbeDue ||= verdict === "probe";
    }
    if (isProbeDue) this.#probe(socket);
  }

  /**
   * Sends to one socket and counts it for that socket. Says whether it sent, and "probe" when the
   * socket is due a read-proof probe, which the caller sends (`#probe`) after what it is sending: the
   * room's counters are the caller's too.
   */
  #sendOne(socket: RoomSocket, data: string | Uint8Array, bytes: number): "sent" | "probe" | false {
    if (!socket.isOpen) return false;
    const verdict = this.readProof.sent(socket.id, bytes);
    if (verdict === "close") {
      this.telemetry.refused("slow_consumer");
      this.room.closeSocket(socket, CloseCode.SLOW_CONSUMER, `over ${this.room.readLimits.maxUnreadBytes} bytes sent without proof of reading`);
      return false;
    }
    socket.send(data);
    this.telemetry.sentTo(socket.id, bytes);
    return verdict === "probe" ? "probe" : "sent";
  }

  #probe(socket: RoomSocket): void {
    const probe = this.room.probeFrame();
    socket.send(probe);
    this.telemetry.sent(socket.id, frameBytes(probe));
    this.readProof.probed(socket.id, frameBytes(probe));
  }
}

const frameBytes = (data: string | Uint8Array): number => (typeof data === "string" ? data.length : data.byteLength);
