/**
 * y-protocols frames as a collaboration room reads and writes them. Pure: no runtime,
 * no storage, so Node tests drive it directly. Stock y-websocket clients speak exactly
 * this format: [messageType varUint][payload].
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { decodePresenceState, type PresenceState } from "../../protocol/index.ts";
import { YjsMessageType, YjsSyncStep } from "../../protocol/yjsMessages.ts";

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state as JSON; `"null"` means the client left. */
  stateJson: string;
}

/** An entry as a client sent it: its state parsed (a JSON object, or null), and its size on the wire. */
export interface ReceivedAwarenessEntry extends AwarenessEntry {
  state: PresenceState | null;
  /** The state's UTF-8 bytes as the client encoded it. */
  stateBytes: number;
}

export type DocFrame =
  | { type: "sync_step1"; stateVector: Uint8Array }
  /** `isSyncReply`: a sync step 2, which clients send only to answer the room's step 1 (see rooms/readProof.ts). */
  | { type: "update"; update: Uint8Array; isSyncReply: boolean }
  | { type: "awareness"; entries: ReceivedAwarenessEntry[] }
  | { type: "query_awareness" };

export class FrameError extends Error {}

/** A binary WebSocket message as bytes, without copying. */
export function toBytes(message: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (message instanceof ArrayBuffer) return new Uint8Array(message);
  return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/** Decodes one binary frame from a client; throws FrameError on anything malformed. */
export function decodeFrame(bytes: Uint8Array): DocFrame {
  try {
    const decoder = decoding.createDecoder(bytes);
    const frame = readFrame(decoder);
    if (decoding.hasContent(decoder)) throw new FrameError("trailing bytes after the message");
    return frame;
  } catch (error) {
    if (error instanceof FrameError) throw error;
    throw new FrameError("truncated or malformed y-protocols message");
  }
}

function readFrame(decoder: decoding.Decoder): DocFrame {
  const messageType = decoding.readVarUint(decoder);
  switch (messageType) {
    case YjsMessageType.SYNC: {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === YjsSyncStep.STEP1) {
        Y.decodeStateVector(payload);
        return { type: "sync_step1", stateVector: payload };
      }
      if (step === YjsSyncStep.STEP2 || step === YjsSyncStep.UPDATE) {
        // Decoding the whole update refuses garbage before it can reach the document.
        Y.decodeUpdate(payload);
        return { type: "update", update: payload, isSyncReply: step === YjsSyncStep.STEP2 };
      }
      throw new FrameError(`unknown sync step ${step}`);
    }
    case YjsMessageType.AWARENESS:
      return { type: "awareness", entries: readAwarenessUpdate(decoding.readVarUint8Array(decoder)) };
    case YjsMessageType.QUERY_AWARENESS:
      return { type: "query_awareness" };
    default:
      throw new FrameError(`unknown message type ${messageType}`);
  }
}

/** As lib0 reads strings: invalid UTF-8 is refused, and a leading BOM is kept as sent. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Every state is parsed here, so a state that is not a JSON object never reaches a peer: a stock
 * y-protocols client parses a whole awareness frame at once, and one bad state in the frame a
 * joiner receives broke presence for that joiner.
 */
function readAwarenessUpdate(update: Uint8Array): ReceivedAwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: ReceivedAwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    // lib0 writes a string as its UTF-8 bytes behind a length, so the length is its size.
    const raw = decoding.readVarUint8Array(decoder);
    const stateJson = utf8.decode(raw);
    const parsed = decodePresenceState(stateJson);
    if (!parsed.ok) throw new FrameError(`presence state of client ${clientId} is ${parsed.error}`);
    entries.push({ clientId, clock, stateJson, state: parsed.state, stateBytes: raw.byteLength });
  }
  if (decoding.hasContent(decoder)) throw new FrameError("trailing bytes in awareness update");
  return entries;
}

/** Whether an update carries no insertions and no deletions (a peer with nothing new). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && ds.clients.size === 0;
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return frameOfSyncStep1(Y.encodeStateVector(doc));
}

/** A sync step 1 carrying a state vector already encoded (one read from stored bytes). */
export function frameOfSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame(YjsMessageType.SYNC, (e) => {
    encoding.writeVarUint(e, YjsSyncStep.STEP1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return frameOfSyncStep2(Y.encodeStateAsUpdate(doc, stateVector));
}

/** A sync step 2 carrying an update already encoded (a stored snapshot). */
export function frameOfSyncStep2(update: Uint8Array): Uint8Array {
  return frame(YjsMessageType.SYNC, (e) => {
    encoding.writeVarUint(e, YjsSyncStep.STEP2);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return frame(YjsMessageType.SYNC, (e) => {
    encoding.writeVarUint(e, YjsSyncStep.UPDATE);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
  // writeVarString is a length-prefixed UTF-8 array, so this is the frame encodeAwarenessFrames builds.
  return encodeAwarenessBytes(entries.map((entry) => ({ clientId: entry.clientId, clock: entry.clock, state: utf8Encoder.encode(entry.stateJson) })));
}

/**
 * Awareness frames carrying `entries`, each at most `maxFrameBytes` unless a single entry is
 * larger (the room's state bound keeps its entries far below). Always at least one frame, so a
 * query for presence is answered even when there is none.
 */
export function encodeAwarenessFrames(entries: readonly AwarenessEntry[], maxFrameBytes: number): Uint8Array[] {
  // Room for the frame's type, the payload's length and the entry count (varUints of at most 5 bytes).
  const FRAME_OVERHEAD_BYTES = 16;
  // Room for an entry's client id, clock and state length.
  const ENTRY_OVERHEAD_BYTES = 24;
  const frames: Uint8Array[] = [];
  let batch: { clientId: number; clock: number; state: Uint8Array }[] = [];
  let batchBytes = FRAME_OVERHEAD_BYTES;
  const flush = () => {
    frames.push(encodeAwarenessBytes(batch));
    batch = [];
    batchBytes = FRAME_OVERHEAD_BYTES;
  };
  for (const entry of entries) {
    const state = utf8Encoder.encode(entry.stateJson);
    const bytes = state.byteLength + ENTRY_OVERHEAD_BYTES;
    if (batch.length > 0 && batchBytes + bytes > maxFrameBytes) flush();
    batch.push({ clientId: entry.clientId, clock: entry.clock, state });
    batchBytes += bytes;
  }
  if (batch.length > 0 || frames.length === 0) flush();
  return frames;
}

function encodeAwarenessBytes(entries: readonly { clientId: number; clock: number; state: Uint8Array }[]): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(inner, entry.clientId);
    encoding.writeVarUint(inner, entry.clock);
    encoding.writeVarUint8Array(inner, entry.state);
  }
  return frame(YjsMessageType.AWARENESS, (e) => encoding.writeVarUint8Array(e, encoding.toUint8Array(inner)));
}

export function encodeQueryAwareness(): Uint8Array {
  return frame(YjsMessageType.QUERY_AWARENESS, () => {});
}

function frame(messageType: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageType);
  write(encoder);
  return encoding.toUint8Array(encoder);
}
