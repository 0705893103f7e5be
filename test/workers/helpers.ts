import { exports } from "cloudflare:workers";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { app } from "../../server/app.ts";
import { decodeFrame, encodeQueryAwareness, encodeSyncStep1 } from "../../rooms/doc/frames.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

/** A loopback host: development tokens answer nowhere else (server/loopback.ts). */
export const BASE = "http://127.0.0.1";

export async function devToken(claims: { sub: string; room: string; role: string; name?: string }): Promise<string> {
  const response = await exports.default.fetch(`${BASE}/v1/dev/token`, { method: "POST", body: JSON.stringify(claims) });
  if (!response.ok) throw new Error(`dev token: ${response.status} ${await response.text()}`);
  const body = await response.json<{ token: string }>();
  return body.token;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A raw WebSocket to a room, recording what arrives so a test can await it. */
export class TestSocket {
  readonly frames: (string | Uint8Array)[] = [];
  readonly closed: Promise<Closed>;
  #closedWith: Closed | null = null;
  #waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    ws.accept();
    ws.addEventListener("message", (event) => {
      this.frames.push(typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        this.#closedWith = { code: event.code, reason: event.reason };
        resolve(this.#closedWith);
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  /**
   * Resolves with the first frame (past or future) that matches. With `failOnClose`, rejects
   * naming the close code if the socket closes first, instead of waiting for the test's timeout.
   */
  async next<T extends string | Uint8Array>(match: (frame: string | Uint8Array) => frame is T, seen = 0, { failOnClose = false } = {}): Promise<T> {
    for (;;) {
      const found = this.frames.slice(seen).find(match);
      if (found !== undefined) return found;
      if (failOnClose && this.#closedWith) {
        throw new Error(`the socket closed (${this.#closedWith.code} ${this.#closedWith.reason}) before the frame the test waits for`);
      }
      seen = this.frames.length;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  control(type: string): Promise<string> {
    return this.next((f): f is string => typeof f === "string" && JSON.parse(f).type === type);
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  /** Closes as a dropped connection does, so a game room holds the player's seat (any code but 1000). */
  close(): void {
    this.ws.close(3000, "dropped");
  }

  /** Closes as a client that leaves on purpose does (1000, as the SDK's destroy): a game room frees the seat at once. */
  leave(): void {
    this.ws.close(1000, "left");
  }
}

/** Opens a socket through the Worker, as a browser would. Throws with the HTTP status if refused. */
export async function openDoc(roomId: string, token: string, query = ""): Promise<TestSocket> {
  const response = await exports.default.fetch(`${BASE}/v1/doc/${roomId}?token=${token}${query}`, {
    headers: { Upgrade: "websocket" },
  });
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

/** An SDK-style connection: hello, then wait for welcome. */
export async function openSdkDoc(roomId: string, token: string): Promise<TestSocket> {
  const socket = await openDoc(roomId, token);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await socket.next((f): f is string => typeof f === "string" && JSON.parse(f).type === "welcome", 0, { failOnClose: true });
  return socket;
}

/** Makes an edit on a local doc and returns the y-protocols update frame that carries it (the engine tests' own). */
export { editFrame } from "../../rooms/engine/testing/yjsFrames.ts";

/**
 * The document as the updates a socket received make it: its sync step 2 and update frames
 * applied in order to a new doc. Sync step 1, awareness and query frames do not count.
 */
export function receivedDoc(socket: TestSocket): Y.Doc {
  const doc = new Y.Doc();
  for (const frame of socket.frames) {
    if (typeof frame === "string") continue;
    const decoded = decodeFrame(frame);
    if (decoded.type === "update") Y.applyUpdate(doc, decoded.update);
  }
  return doc;
}

export const receivedText = (socket: TestSocket, name = "t"): string => receivedDoc(socket).getText(name).toString();

/**
 * Resolves once every frame the room sent this socket before the call has arrived: the room
 * answers a query_awareness on the same socket, after what it queued there earlier. Assumes no
 * other awareness frame is in flight (nobody in the room sends presence).
 */
export async function receiveEarlierFrames(socket: TestSocket): Promise<void> {
  const seen = socket.frames.length;
  socket.send(encodeQueryAwareness());
  await socket.next((f): f is Uint8Array => typeof f !== "string" && decodeFrame(f).type === "awareness", seen, { failOnClose: true });
}

export { encodeSyncStep1 };

/**
 * Opens a socket to doc/`room` through the Worker's app with `target` as its env: the status, and the
 * error code and message when refused. For tests of configurations other than the test env's.
 */
export async function tryDocSocket(target: Env, token: string, room: string): Promise<{ status: number; code?: string; message?: string }> {
  const request = new Request(`${BASE}/v1/doc/${room}?token=${token}`, { headers: { Upgrade: "websocket" } });
  const response = await app.fetch(request, target);
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.close(1000);
    return { status: response.status };
  }
  const body = await response.json<{ error: { code: string; message: string } }>();
  return { status: response.status, code: body.error.code, message: body.error.message };
}

/**
 * An update that passes Y.decodeUpdate but throws inside Y.applyUpdate (UpdateEncoderV2.writeDsLen): a
 * delete range of length 0 for a client the document has not seen. The long fuzz run FUZZ_SEED=49139769
 * found it (doc frames, case 3587; `FUZZ_SEED=49143356 FUZZ_CASES=1` replays it).
 */
export function updateYjsRefusesWhileApplying(): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 0); // no structs
  encoding.writeVarUint(update, 1); // a delete set for one client
  encoding.writeVarUint(update, 42); // client
  encoding.writeVarUint(update, 1); // one range
  encoding.writeVarUint(update, 5); // clock
  encoding.writeVarUint(update, 0); // length 0
  return encoding.toUint8Array(update);
}

/** Counts calls into the runtime's attachment read (WebSocket.prototype.deserializeAttachment) while installed. */
export function countAttachmentReads() {
  const proto = WebSocket.prototype as { deserializeAttachment(): unknown };
  const original = proto.deserializeAttachment;
  const counter = { reads: 0, restore: () => void (proto.deserializeAttachment = original) };
  proto.deserializeAttachment = function (this: WebSocket) {
    counter.reads++;
    return original.call(this);
  };
  return counter;
}
