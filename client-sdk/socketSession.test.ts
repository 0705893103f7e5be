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

describe("SocketSession: what a refusal's explanation means", () => {
  /** A session whose every upgrade is refused and whose explanation GET answers `status` with `body`. */
  function refusedWith(status: number, body: unknown) {
    const onFatal = vi.fn();
    const answer = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));
    const session = new SocketSession(
      {
        socketUrl: "ws://127.0.0.1:1/v1/doc/r",
        getToken: () => "t",
        reconnect: resolveReconnectOptions({ minDelayMs: 100, maxDelayMs: 200, jitterMs: 1 }),
        WebSocket: RefusedSocket as unknown as typeof WebSocket,
        fetch: answer as unknown as typeof fetch,
      },
      { ...handlers, onFatal },
    );
    return { session, onFatal };
  }
  const error = (code: string) => ({ error: { code, message: `because ${code}` } });

  it.each([
    [403, "room_out_of_scope"],
    [403, "role_not_allowed"],
    [403, "origin_not_allowed"],
    [401, "invalid_token"],
    [404, "not_found"],
  ])("stops on %i %s and reports the service's error code", async (status, code) => {
    vi.useFakeTimers();
    const { session, onFatal } = refusedWith(status, error(code));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onFatal).toHaveBeenCalledWith({ code: status, reason: `because ${code}`, error: code });
    expect(RefusedSocket.created).toBe(1);
    session.stop();
  });

  it.each([
    [401, "token_expired"],
    [429, "rate_limited"],
    [426, "upgrade_required"],
    [503, "auth_not_configured"],
  ])("keeps retrying on %i %s", async (status, code) => {
    vi.useFakeTimers();
    const { session, onFatal } = refusedWith(status, error(code));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onFatal).not.toHaveBeenCalled();
    expect(RefusedSocket.created).toBeGreaterThanOrEqual(3);
    session.stop();
  });
});
