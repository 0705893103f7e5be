/**
 * Bounds every room kind shares: who may hold how many of a room's sockets, and for how long
 * a socket may sit without completing its handshake.
 */
export const RoomLimits = {
  /**
   * Live connections one `sub` may hold in one room, by default (close 4429); the
   * MAX_CONNECTIONS_PER_SUB variable overrides it. A person with a few tabs and devices stays
   * under it; one token opening hundreds of sockets does not fill the room.
   */
  MAX_CONNECTIONS_PER_SUB: 5,
  /**
   * Time a new socket has to complete its handshake, in ms (close 4408): a game's `hello`, a
   * document's first frame (every y-protocols client sends its sync step 1 on open, the SDK its
   * `hello`). Clients send these at once, so only a socket that holds a slot and says nothing meets it.
   */
  HANDSHAKE_TIMEOUT_MS: 5_000,
} as const;

/**
 * The bounds of a collaboration room. They are part of the contract: a client that
 * goes past one is closed with the code named beside it, and the room serves the others.
 */
export const DocLimits = {
  /** One WebSocket frame, in bytes (close 4413). Large enough for a first sync of a big offline document. */
  MAX_MESSAGE_BYTES: 1024 * 1024,
  /** Stored size of one document (snapshot + update log), in bytes (close 4507). Keeps a wake-up load well inside a Durable Object's 128 MB. */
  MAX_DOCUMENT_BYTES: 8 * 1024 * 1024,
  /**
   * Sustained frames per second per connection (close 4429). A person typing with cursor moves
   * stays under 40/s, but a client streaming generated text, a fast paste loop or a replayed trace
   * edits 500 times a second, and the SDK sends each edit in its own frame while it is under this
   * bound (client-sdk/outboundBatcher.ts keeps 90% of it): at 100/s it had to merge about 8 edits a
   * frame, 10 ms of latency per edit. The bound still stops a client that sends frames in a tight
   * loop; what one connection at the bound costs the room is in BENCHMARKS.md (issue 17).
   */
  MESSAGES_PER_SECOND: 600,
  /** Frames a connection may send at once before the per-second rate applies: one second's worth at MESSAGES_PER_SECOND. */
  MESSAGE_BURST: 600,
  /**
   * Sustained frames per second of a viewer's connection (close 4429). A viewer sends only presence
   * and sync requests, which a person's cursor keeps under 40/s, yet its presence is relayed to every
   * connection: the editors' streaming bound would let a read-only token cost the room six times more.
   */
  VIEWER_MESSAGES_PER_SECOND: 100,
  /** Frames a viewer's connection may send at once before VIEWER_MESSAGES_PER_SECOND applies. */
  VIEWER_MESSAGE_BURST: 300,
  /** Open connections per room (close 4409). A Durable Object holds thousands of hibernated sockets; 1,000 keeps one room's fan-out per update bounded. */
  MAX_CONNECTIONS: 1000,
  /**
   * The last connections of MAX_CONNECTIONS that only editors may take (viewers get 4409 past
   * MAX_CONNECTIONS minus these): a crowd of readers never locks the writers out of their document.
   */
  CONNECTIONS_KEPT_FOR_EDITORS: 50,
  /** Awareness client ids one connection may speak for; a provider normally has exactly one (close 4400). */
  MAX_AWARENESS_CLIENTS_PER_CONNECTION: 4,
  /** One presence (awareness) state as its client encoded it, in bytes (close 4413). A name, a colour and a cursor take a few hundred. */
  MAX_PRESENCE_STATE_BYTES: 8 * 1024,
  /**
   * Every presence state a room holds, in bytes, after the room wrote in each sender's identity.
   * A state that would pass it is neither kept nor relayed; its connection keeps editing. It bounds
   * what every joiner is sent: unbounded, 1,000 connections made one 50 MB join frame.
   */
  MAX_ROOM_PRESENCE_BYTES: 256 * 1024,
  /** One presence frame the room sends, in bytes: a joiner gets the room's presence split into frames of at most this. */
  MAX_PRESENCE_FRAME_BYTES: 64 * 1024,
  /** Bytes sent to a connection before the room asks it to prove it reads (a sync step 1 it must answer). */
  PROBE_AFTER_BYTES: 256 * 1024,
  /** Bytes sent after an unanswered probe before the connection is closed (close 4408). */
  MAX_UNREAD_BYTES: 4 * 1024 * 1024,
  /** Update-log entries before the log is folded into the snapshot. */
  COMPACT_AFTER_UPDATES: 500,
  /** Update-log bytes before the log is folded into the snapshot. */
  COMPACT_AFTER_BYTES: 1024 * 1024,
} as const;
