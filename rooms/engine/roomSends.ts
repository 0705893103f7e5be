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
    if (this.#sendOne(socket, data, bytes)) this.telemetry.sentToRoom(1, bytes);
  }

  /**
   * Sends one frame, encoded once by the caller, to every socket of `sockets` but `without`. Per
   * socket, O(1) work and no allocation (its read-proof budget, the send, its counters); the room's
   * counters once.
   */
  sendToAll(sockets: readonly RoomSocket[], data: string | Uint8Array, without?: string): void {
    const bytes = frameBytes(data);
    let sent = 0;
    for (const socket of sockets) if (socket.id !== without && this.#sendOne(socket, data, bytes)) sent += 1;
    this.telemetry.sentToRoom(sent, bytes * sent);
  }

  /** Sends to one socket and counts it for that socket; says whether it sent (the room's counters are the caller's). */
  #sendOne(socket: RoomSocket, data: string | Uint8Array, bytes: number): boolean {
    if (!socket.isOpen) return false;
    const verdict = this.readProof.sent(socket.id, bytes);
    if (verdict === "close") {
      this.telemetry.refused("slow_consumer");
      this.room.closeSocket(socket, CloseCode.SLOW_CONSUMER, `over ${this.room.readLimits.maxUnreadBytes} bytes sent without proof of reading`);
      return false;
    }
    socket.send(data);
    this.telemetry.sentTo(socket.id, bytes);
    if (verdict === "probe") {
      const probe = this.room.probeFrame();
      socket.send(probe);
      this.telemetry.sent(socket.id, frameBytes(probe));
      this.readProof.probed(socket.id, frameBytes(probe));
    }
    return true;
  }
}

const frameBytes = (data: string | Uint8Array): number => (typeof data === "string" ? data.length : data.byteLength);
