import type { RoomHost, RoomSocket } from "./ports.ts";

/**
 * A room's open sockets, kept between connects and closes. Reading the host's list costs (in a
 * Durable Object it structured-clones every socket's attachment), and a broadcast per message at
 * a few hundred clients made that most of the room's CPU. Built on first use after a start or a
 * wake; only the core's connect and close entry points change it, so no room can forget to.
 */
export class SocketList {
  readonly #host: RoomHost;
  #sockets: RoomSocket[] | null = null;
  /** The ids in #sockets: a join checked for its socket by comparing it with every other (N x N for N joins). */
  #ids = new Set<string>();

  constructor(host: RoomHost) {
    this.#host = host;
  }

  add(socket: RoomSocket): void {
    if (!this.#sockets || this.#ids.has(socket.id)) return;
    this.#sockets.push(socket);
    this.#ids.add(socket.id);
  }

  remove(socket: RoomSocket): void {
    if (!this.#sockets || !this.#ids.delete(socket.id)) return;
    this.#sockets = this.#sockets.filter((s) => s.id !== socket.id);
  }

  /** Every socket still open. */
  open(): RoomSocket[] {
    if (!this.#sockets) {
      this.#sockets = [...this.#host.sockets()];
      this.#ids = new Set(this.#sockets.map((s) => s.id));
    }
    return this.#sockets.filter((s) => s.isOpen);
  }
}

/**
 * When each open socket's token expires (ms since the epoch), by socket id: the alarm closes a
 * socket then with 4440. Rebuilt from the attachments after a wake (`expiryOf` reads one), since
 * the deadline lives in the alarm, not in a timer, so a hibernating room keeps it.
 */
export class TokenDeadlines {
  #expiries: Map<string, number> | null = null;

  constructor(
    private readonly sockets: () => RoomSocket[],
    private readonly expiryOf: (socket: RoomSocket) => number | null,
  ) {}

  watch(socketId: string, expiresAt: number): void {
    this.#all().set(socketId, expiresAt);
  }

  forget(socketId: string): void {
    this.#expiries?.delete(socketId);
  }

  isExpired(socketId: string, now: number): boolean {
    const expiresAt = this.#all().get(socketId);
    return expiresAt !== undefined && expiresAt <= now;
  }

  /** The sockets whose token expired by `now`; they stop counting for the alarm at once, before their close arrives. */
  takeExpired(now: number): RoomSocket[] {
    const expired = this.sockets().filter((socket) => this.isExpired(socket.id, now));
    const all = this.#all();
    for (const [id, expiresAt] of all) if (expiresAt <= now) all.delete(id);
    return expired;
  }

  next(): number | null {
    let next: number | null = null;
    for (const expiresAt of this.#all().values()) if (next === null || expiresAt < next) next = expiresAt;
    return next;
  }

  #all(): Map<string, number> {
    this.#expiries ??= new Map(
      this.sockets().flatMap((socket) => {
        const expiresAt = this.expiryOf(socket);
        return expiresAt === null ? [] : [[socket.id, expiresAt] as const];
      }),
    );
    return this.#expiries;
  }
}
