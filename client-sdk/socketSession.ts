import { readErrorBody } from "../protocol/clientWire.ts";
import { CloseCode, isFatalCloseCode } from "../protocol/closeCodes.ts";
import { reconnectDelayMs, type ResolvedReconnectOptions } from "./backoff.ts";

/** Why a connection stopped for good. */
export interface CloseReason {
  /** A close code from protocol/closeCodes.ts, or the HTTP status of a refused connection. */
  code: number;
  reason: string;
  /**
   * For a refused connection, the service's error code (`room_out_of_scope`, `role_not_allowed`,
   * `invalid_token`, `not_found`...), stable where `reason` is a sentence; absent for close codes.
   */
  error?: string;
}

/** What a session needs from the client that made it. */
export interface SessionContext {
  /** `ws:` or `wss:` URL of the room, without a token. */
  socketUrl: string;
  getToken: () => string | Promise<string>;
  reconnect: ResolvedReconnectOptions;
  WebSocket: typeof WebSocket;
  fetch: typeof fetch;
}

export interface SessionHandlers {
  /** A socket opened; say hello on it. */
  onOpen(): void;
  onMessage(data: string | ArrayBuffer): void;
  /**
   * The socket dropped; a reconnect is scheduled. `token_expired`: the room closed it because its
   * token expired (4440), a routine handover rather than an outage; the reconnect starts at once.
   */
  onOffline(why: "dropped" | "token_expired"): void;
  /** A new attempt started. */
  onConnecting(): void;
  /** Stopped for good: a fatal close code or a refused token. */
  onFatal(reason: CloseReason): void;
}

/** How long the HTTP question "why was the upgrade refused?" may take before the refusal counts as transient. */
export const EXPLAIN_REFUSAL_TIMEOUT_MS = 5_000;

/**
 * HTTP statuses of the explanation that a later attempt may not get: the upgrade-only answer (the
 * token passed), rate limiting, and any 5xx. Everything else (400 bad_region, 401, 403, 404) stops
 * the session, except 401 token_expired, which the next getToken() fixes.
 */
function isTransientRefusal(status: number): boolean {
  return status === 426 || status === 429 || status >= 500;
}

/** WebSocket.OPEN, spelled out so an injected WebSocket class without statics works too. */
const SOCKET_OPEN = 1;

/**
 * One logical connection to a room over as many sockets as it takes: it fetches a fresh
 * token before every attempt, backs off with jitter, and stops on fatal close codes. Rooms
 * build their protocol on top (DocProvider, GameConnection).
 */
export class SocketSession {
  #socket: WebSocket | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #isStopped = false;
  private readonly context: SessionContext;
  private readonly handlers: SessionHandlers;

  constructor(context: SessionContext, handlers: SessionHandlers) {
    this.context = context;
    this.handlers = handlers;
    void this.#connect();
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === SOCKET_OPEN;
  }

  /** Sends on the open socket; returns false (and sends nothing) while disconnected. */
  send(data: string | Uint8Array<ArrayBuffer>): boolean {
    if (!this.isOpen) return false;
    this.#socket!.send(data);
    return true;
  }

  /** The room accepted us: the next drop starts the backoff from the shortest delay. */
  resetBackoff(): void {
    this.#attempt = 0;
  }

  /** Closes for good. Safe to call more than once. */
  stop(reason = "client destroyed"): void {
    if (this.#isStopped) return;
    this.#isStopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, reason);
  }

  /** Where the next connection goes, and with which token (a quick join's, once its room is known). */
  readdress(address: Pick<SessionContext, "socketUrl" | "getToken">): void {
    this.context.socketUrl = address.socketUrl;
    this.context.getToken = address.getToken;
  }

  async #connect(): Promise<void> {
    if (this.#isStopped) return;
    this.handlers.onConnecting();
    let token: string;
    try {
      token = await this.context.getToken();
    } catch {
      // A failing token source is retried like a dropped connection: it may be a passing outage.
      return this.#scheduleReconnect();
    }
    if (this.#isStopped) return;
    const socket = new this.context.WebSocket(this.#urlWithToken(token));
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    let isOpen = false;
    const openTimer = setTimeout(() => socket.close(), this.context.reconnect.connectTimeoutMs);

    socket.onopen = () => {
      clearTimeout(openTimer);
      isOpen = true;
      this.handlers.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.#socket === socket) this.handlers.onMessage(event.data as string | ArrayBuffer);
    };
    const settle = (code: number, reason: string) => {
      clearTimeout(openTimer);
      if (this.#socket !== socket) return;
      this.#socket = null;
      void this.#handleClose(code, reason, isOpen, token);
    };
    socket.onclose = (event: CloseEvent) => settle(event.code, event.reason);
    // Node's WebSocket reports a refused upgrade with "error" alone, never "close".
    socket.onerror = () => {
      if (!isOpen) settle(1006, "connection failed");
    };
  }

  /**
   * Browsers cannot set headers on a WebSocket, so the socket carries its token in the URL; the
   * edge strips it before the room sees the request. HTTP calls use Authorization instead.
   */
  #urlWithToken(token: string): string {
    const url = new URL(this.context.socketUrl);
    url.searchParams.set("token", token);
    return url.toString();
  }

  async #handleClose(code: number, reason: string, wasOpen: boolean, token: string): Promise<void> {
    if (this.#isStopped) return;
    if (isFatalCloseCode(code)) return this.#fail({ code, reason });
    // The token ran out on a connection the room had accepted: fetch a new one now, not after a
    // backoff. Only once in a row: a fresh token that is no better waits out the backoff.
    if (code === CloseCode.TOKEN_EXPIRED && wasOpen && this.#attempt === 0) {
      this.#attempt += 1;
      this.handlers.onOffline("token_expired");
      return void this.#connect();
    }
    if (!wasOpen) {
      // Browsers hide why an upgrade was refused; ask the same URL over HTTP.
      const refusal = await this.#explainRefusal(token);
      if (refusal) return this.#fail(refusal);
    }
    this.#scheduleReconnect();
  }

  /** A refusal that reconnecting cannot fix, or null when the failure looks transient. */
  async #explainRefusal(token: string): Promise<CloseReason | null> {
    // A server that never answers must not stall the reconnect loop.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), EXPLAIN_REFUSAL_TIMEOUT_MS);
    try {
      // The token goes in a header, not the URL: URLs end up in access logs, proxies and histories.
      const response = await this.context.fetch(this.context.socketUrl.replace(/^ws/, "http"), {
        headers: { Authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      if (isTransientRefusal(response.status)) return null;
      const body = readErrorBody(await response.json().catch(() => null));
      const error = body ? body.error : { code: "unknown", message: response.statusText };
      // An expired token gets a fresh one from getToken on the next attempt.
      if (response.status === 401 && error.code === "token_expired") return null;
      return { code: response.status, reason: error.message, error: error.code };
    } catch {
      // No readable answer: a network failure, or CORS hiding it from a page of an origin the
      // service does not allow. Neither can be told apart from an outage, so back off and retry.
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(reason: CloseReason): void {
    this.#isStopped = true;
    this.handlers.onFatal(reason);
  }

  #scheduleReconnect(): void {
    if (this.#isStopped) return;
    this.handlers.onOffline("dropped");
    const delay = reconnectDelayMs(this.#attempt++, this.context.reconnect);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delay);
  }
}
