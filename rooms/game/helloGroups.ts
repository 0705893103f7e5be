import type { ClientHello } from "../../protocol/index.ts";
import { GroupCommit } from "../engine/groupCommit.ts";
import type { Durability, RoomSocket } from "../engine/ports.ts";
import { CloseCode } from "../../protocol/index.ts";
import { logEvent } from "../log.ts";
import type { GameRoomCore } from "./gameCore.ts";

/**
 * Hellos in groups, where the runtime holds frames until the turn's writes are durable (workerd's
 * output gate): a hello is answered in the turn after the one it arrived in (`afterTurn`), with every
 * hello that arrived meanwhile, and those that arrive while that group's commit is in flight wait for
 * it and go together next, so their seat writes share one commit. Each hello was its own event and its own commit, an fsync on workerd's one thread: 100 in
 * a row as a room filled in a join storm. No welcome leaves before the commit that holds its seat
 * (the output gate holds it). Elsewhere (Node, the engine tests) each hello is answered when it arrives.
 */
export class HelloGroups {
  readonly #commits: GroupCommit<string> | null;
  /** Hellos waiting for the commit in flight, by socket id: a socket that closes meanwhile takes its hello with it. */
  readonly #pending = new Map<string, { socket: RoomSocket; hello: ClientHello }>();

  /** `answer` handles one hello as the engine always did; what it throws in a group closes that socket alone (4500), as the core does for a message. */
  constructor(
    durability: Durability | undefined,
    private readonly roomPath: string,
    private readonly core: Pick<GameRoomCore, "closeSocket">,
    private readonly answer: (socket: RoomSocket, hello: ClientHello) => void,
    afterTurn: (run: () => void) => void,
    /** Runs a group's answers; the engine's holds their welcomes until all are seated (welcomes.ts). */
    private readonly around: (answer: () => void, onError: (socket: RoomSocket, error: unknown) => void) => void = (answer) => answer(),
  ) {
    this.#commits = durability?.holdsOutput
      ? new GroupCommit<string>(
          (ids) => this.#answerAll(ids),
          () => durability.sync(),
          (error) => logEvent("hello_commit_failed", { room: roomPath, error }),
          afterTurn,
        )
      : null;
  }

  /** A socket's hello: answered now, or with the others once the commit in flight lands. */
  push(socket: RoomSocket, hello: ClientHello): void {
    if (!this.#commits) return this.answer(socket, hello);
    // A second hello while the first waits is ignored, as a welcomed socket's is.
    if (this.#pending.has(socket.id)) return;
    this.#pending.set(socket.id, { socket, hello });
    this.#commits.push(socket.id);
  }

  /** Before any other message of a socket whose hello waits: every waiting hello is answered now, in this event. */
  answerBefore(socketId: string): void {
    if (this.#pending.has(socketId)) this.#commits?.flush();
  }

  /** The socket closed: its waiting hello, if any, is dropped. */
  forget(socketId: string): void {
    this.#pending.delete(socketId);
  }

  #answerAll(ids: string[]): void {
    this.around(() => {
      for (const id of ids) {
        const pending = this.#pending.get(id);
        if (!pending) continue; // closed meanwhile
        this.#pending.delete(id);
        if (!pending.socket.isOpen) continue;
        try {
          this.answer(pending.socket, pending.hello);
        } catch (error) {
          this.#fail(pending.socket, error);
        }
      }
    }, (socket, error) => this.#fail(socket, error));
  }

  #fail(socket: RoomSocket, error: unknown): void {
    logEvent("room_error", { room: this.roomPath, connection: socket.id, error });
    this.core.closeSocket(socket, CloseCode.INTERNAL, "internal error");
  }
}
