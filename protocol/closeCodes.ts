/**
 * WebSocket close codes Edgeroom sends. Each is 4000 + the HTTP status it resembles,
 * so a code reads the same in a log line, a browser console and an HTTP answer.
 * These numbers are a public contract: clients and their tests depend on them.
 */
export const CloseCode = {
  /** A frame that is not a valid y-protocols or control message. */
  BAD_MESSAGE: 4400,
  /** The connection carries no valid identity. */
  UNAUTHENTICATED: 4401,
  /** The identity may not do what it tried. */
  FORBIDDEN: 4403,
  /** No such room. */
  NOT_FOUND: 4404,
  /**
   * The client did not keep up: more than its MAX_UNREAD_BYTES went out after a probe it never
   * answered (see rooms/readProof.ts). Transient: a reconnect syncs what it missed in one step.
   */
  SLOW_CONSUMER: 4408,
  /**
   * A new socket did not complete its handshake within RoomLimits.HANDSHAKE_TIMEOUT_MS: no game
   * `hello`, no first document frame. The same number as SLOW_CONSUMER on purpose: both are a
   * 408 Request Timeout, both are transient (a client that speaks at once gets in on its reconnect),
   * and clients need no new code to handle it. The reason tells the two apart.
   */
  HANDSHAKE_TIMEOUT: 4408,
  /** The room has no free connection slot. */
  ROOM_FULL: 4409,
  /** The same player connected again elsewhere; this older connection gave up its seat. */
  REPLACED: 4410,
  /**
   * The token the socket was opened with reached its `exp`. Transient: the client fetches a fresh
   * token and reconnects. 4440 after HTTP 440 "Login Time-out", the status some servers send when
   * a session expired and the client must sign in again; 4401 would read as fatal.
   */
  TOKEN_EXPIRED: 4440,
  /** A single frame is larger than MAX_MESSAGE_BYTES, or a presence state than MAX_PRESENCE_STATE_BYTES. */
  MESSAGE_TOO_LARGE: 4413,
  /** Client and server speak different protocol versions. */
  VERSION_MISMATCH: 4426,
  /**
   * The connection sent more than its rate allows, or would have created a room past its user's
   * ROOM_CREATIONS_PER_MINUTE. Transient: the reason says when to retry.
   */
  RATE_LIMITED: 4429,
  /** Something failed on the server; the detail is in the server log only. */
  INTERNAL: 4500,
  /** Accepting the update would grow the document past MAX_DOCUMENT_BYTES. */
  DOCUMENT_TOO_LARGE: 4507,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Codes after which reconnecting cannot help: the same client would be refused again.
 * Rate limits, a full room, an expired token and internal errors are transient, so clients retry those.
 */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.BAD_MESSAGE,
  CloseCode.UNAUTHENTICATED,
  CloseCode.FORBIDDEN,
  CloseCode.NOT_FOUND,
  CloseCode.REPLACED,
  CloseCode.MESSAGE_TOO_LARGE,
  CloseCode.VERSION_MISMATCH,
  CloseCode.DOCUMENT_TOO_LARGE,
]);

export function isFatalCloseCode(code: number): boolean {
  return FATAL_CLOSE_CODES.has(code);
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8 by RFC 6455. */
export const MAX_CLOSE_REASON_BYTES = 123;

export function truncateCloseReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.byteLength <= MAX_CLOSE_REASON_BYTES) return reason;
  return new TextDecoder().decode(bytes.slice(0, MAX_CLOSE_REASON_BYTES - 3)).replace(/\uFFFD$/, "") + "...";
}
