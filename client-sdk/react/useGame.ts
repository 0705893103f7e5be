import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { AnyGame, EdgeroomClient, GameConnection, GameRole, GameStatus, InputOf, StateInfo, ViewOf } from "@edgeroom/client";
import { useClient } from "./context.ts";
import { release, retain, sharedFor, type Shared } from "./shared.ts";

/** A room to join by id, or one found by matchmaking (`quick` joins a free seat, `private` makes a room to share). */
export type GameTarget = { roomId: string; region?: string } | { match: "quick" | "private"; region?: string };

export interface UseGameResult<G extends AnyGame> {
  /** The connection, once mounted; with `match: "quick"`, once seated; with `match: "private"`, once matchmaking answered. */
  connection: GameConnection<G> | null;
  /** `connecting` (also while matchmaking), `joined`, `offline` or `closed` (also when matchmaking failed: see `error`). */
  status: GameStatus;
  /** The latest authoritative view, or null before the welcome. */
  view: ViewOf<G> | null;
  info: StateInfo | null;
  seat: number | null;
  role: GameRole | null;
  playerId: string | null;
  /** Round trip to the room from the last ping, in ms. */
  rttMs: number | null;
  /** Sends an input; returns its seq, or null while there is no connection yet. */
  send: (input: InputOf<G>) => number | null;
  /** Why matchmaking failed, or null: for `match: "quick"` also a refusal of its join socket. Refusals of a room's socket are in `connection.closeReason`. */
  error: Error | null;
}

interface GameSlot<G extends AnyGame> {
  connection: GameConnection<G> | null;
  error: Error | null;
  /** The socket or the matchmaking is under way (started by the first retain). */
  isStarted: boolean;
  isDisposed: boolean;
  /** Gives up a quick join still under way when the slot is disposed. */
  readonly joining: AbortController;
  listeners: Set<() => void>;
}

/** A fresh number for each useGame({ match }) component: matchmaking belongs to one component's mount, not to a room. */
let nextMatchInstance = 0;
/** How often `rttMs` is read again: the connection pings every 2 s and emits no event for it. */
const RTT_READ_INTERVAL_MS = 1_000;

const NO_SUBSCRIPTION = () => () => {};

function gameKey(gameName: string, target: GameTarget, matchInstance: number): string {
  const where = "roomId" in target ? `room\n${target.roomId}` : `match\n${target.match}\n${matchInstance}`;
  return `game\n${gameName}\n${where}\n${target.region ?? ""}`;
}

function sharedGame<G extends AnyGame>(client: EdgeroomClient, key: string): Shared<GameSlot<G>> {
  return sharedFor<GameSlot<G>>(client, key, () => {
    const slot: GameSlot<G> = { connection: null, error: null, isStarted: false, isDisposed: false, joining: new AbortController(), listeners: new Set() };
    return {
      value: slot,
      dispose: () => {
        slot.isDisposed = true;
        slot.joining.abort(new Error("useGame unmounted"));
        slot.connection?.destroy();
      },
    };
  });
}

function start<G extends AnyGame>(client: EdgeroomClient, gameName: string, target: GameTarget, slot: GameSlot<G>): void {
  slot.isStarted = true;
  const notify = () => {
    for (const listener of [...slot.listeners]) listener();
  };
  if ("roomId" in target) {
    slot.connection = client.game<G>(gameName, target.roomId, { region: target.region });
    return notify();
  }
  // A quick match is one socket (client.quickJoin), a private one a request and then the room's socket.
  const matching =
    target.match === "quick"
      ? client.quickJoin<G>(gameName, { region: target.region, signal: slot.joining.signal })
      : client.joinOrCreate<G>(gameName, { mode: "private", region: target.region });
  matching.then(
    (connection) => {
      // Unmounted while matchmaking: the seat is given back at once.
      if (slot.isDisposed) return connection.destroy();
      slot.connection = connection;
      notify();
    },
    (error: unknown) => {
      if (slot.isDisposed) return;
      slot.error = error instanceof Error ? error : new Error(String(error));
      notify();
    },
  );
}

/**
 * Joins a game room for as long as the component is mounted, by room id or through matchmaking, and
 * re-renders on each new view. Components using the same room id share one socket. With `match`, each
 * mounted component matchmakes once (StrictMode's double mount does not matchmake twice); the seat is
 * left when it unmounts. `match: "quick"` joins in one socket (`client.quickJoin`), and unmounting
 * gives up a join still under way.
 *
 * @example
 * ```tsx
 * import type { tictactoe } from "./games/tictactoe.ts";
 *
 * function Board() {
 *   const { view, status, send } = useGame<typeof tictactoe>("tictactoe", { match: "quick" });
 *   if (!view) return <p>{status}</p>;
 *   return view.board.map((mark, cell) => <button key={cell} onClick={() => send({ type: "place", cell })}>{mark}</button>);
 * }
 * ```
 */
export function useGame<G extends AnyGame>(gameName: string, target: GameTarget): UseGameResult<G> {
  const client = useClient();
  // State survives StrictMode's effect re-run, so the second run finds the slot (and matchmaking) of the first.
  const [matchInstance] = useState(() => nextMatchInstance++);
  const key = gameKey(gameName, target, matchInstance);
  const slot = sharedGame<G>(client, key).value;

  useEffect(() => {
    const shared = sharedGame<G>(client, key);
    retain(shared);
    if (!shared.value.isStarted) start(client, gameName, target, shared.value);
    return () => release(client, key, shared);
    // `key` names the game, the room or matchmaking mode, and the region: the target's whole identity.
  }, [client, key]);

  const subscribeSlot = useCallback(
    (onChange: () => void) => {
      slot.listeners.add(onChange);
      return () => void slot.listeners.delete(onChange);
    },
    [slot],
  );
  const connection = useSyncExternalStore(subscribeSlot, () => slot.connection, () => null);
  const error = useSyncExternalStore(subscribeSlot, () => slot.error, () => null);
  const subscribeState = useCallback(
    (onChange: () => void) => {
      if (!connection) return NO_SUBSCRIPTION();
      const offState = connection.on("state", onChange);
      const offStatus = connection.on("status", onChange);
      return () => (offState(), offStatus());
    },
    [connection],
  );
  const status = useSyncExternalStore(subscribeState, () => connection?.status ?? (error ? "closed" : "connecting"), () => "connecting" as const);
  const view = useSyncExternalStore(subscribeState, () => connection?.view ?? null, () => null);
  const info = useSyncExternalStore(subscribeState, () => (connection?.view == null ? null : connection.info), () => null);
  const seat = useSyncExternalStore(subscribeState, () => connection?.seat ?? null, () => null);
  const role = useSyncExternalStore(subscribeState, () => connection?.role ?? null, () => null);
  const playerId = useSyncExternalStore(subscribeState, () => connection?.playerId ?? null, () => null);
  const subscribeRtt = useCallback(
    (onChange: () => void) => {
      if (!connection) return NO_SUBSCRIPTION();
      const timer = setInterval(onChange, RTT_READ_INTERVAL_MS);
      return () => clearInterval(timer);
    },
    [connection],
  );
  const rttMs = useSyncExternalStore(subscribeRtt, () => connection?.rttMs ?? null, () => null);
  const send = useCallback((input: InputOf<G>) => (connection && connection.status !== "closed" ? connection.send(input) : null), [connection]);
  return { connection, status, view, info, seat, role, playerId, rttMs, send, error };
}
