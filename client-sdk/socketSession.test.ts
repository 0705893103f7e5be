import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveReconnectOptions } from "./backoff.ts";
import { EXPLAIN_REFUSAL_TIMEOUT_MS, SocketSession } from "./socketSession.ts";

/** A socket whose upgrade is always refused: it reports an error and never opens. */
class RefusedSocket {
  static created = 0;
  binaryType = "blob";
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    RefusedSocket.created += 1;
    setTimeout(() => this.onerror?.(), 0);
  }
  close() {}
  send() {}
}

const handlers = { onOpen() {}, onMessage() {}, onOffline() {}, onConnecting() {}, onFatal: vi.fn() };

afterEach(() => {
  vi.useRealTimers();
  RefusedSocket.created = 0;
});

describe("SocketSession", () => {
  it("a server that never answers why the upgrade was refused does not stall reconnecting", async () => {
    vi.useFakeTimers();
    const fetchHangs = vi.fn(
      (_url: string, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted")))),
    );
    const session = new SocketSession(
      {
        socketUrl: "ws://127.0.0.1:1/v1/doc/r",
        getToken: () => "t",
        reconnect: resolveReconnectOptions({ minDelayMs: 100, maxDelayMs: 200, jitterMs: 100 }),
        WebSocket: RefusedSocket as unknown as typeof WebSocket,
        fetch: fetchHangs as unknown as typeof fetch,
      },
      handlers,
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(RefusedSocket.created).toBe(1);
    expect(fetchHangs).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(EXPLAIN_REFUSAL_TIMEOUT_MS + 300);
    expect(RefusedSocket.created).toBe(2);
    expect(handlers.onFatal).not.toHaveBeenCalled();
    session.stop();
  });
});
