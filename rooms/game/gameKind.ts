import { replayPrefix } from "../../persistence/replayArchive.ts";
import { GameLimits, encodeGameMessage } from "../../protocol/index.ts";
import type { RoomKind } from "../engine/roomCore.ts";
import type { GameEngine } from "./gameEngine.ts";
import { PROBE } from "./gameProbe.ts";

/**
 * The game room as the room core (rooms/engine/roomCore.ts) sees it: the core calls these from its
 * own entry points, after the bookkeeping every room kind shares. Read lazily: the core is built
 * inside the engine's constructor, before the engine's parts exist.
 */
export function gameRoomKind(engine: GameEngine, roomId: string): RoomKind {
  return {
    kind: "game",
    roomPath: engine.roomPath,
    gameName: engine.game.name,
    roomId,
    archivePrefix: replayPrefix(engine.game.name, roomId),
    readLimits: { probeAfterBytes: GameLimits.PROBE_AFTER_BYTES, maxUnreadBytes: GameLimits.MAX_UNREAD_BYTES },
    probeFrame: () => PROBE,
    identityOf: (socket) => {
      const state = engine.stateOf(socket);
      return state ? { sub: state.sub, role: state.role, connectedAt: state.connectedAt } : null;
    },
    tokenExpiryOf: (socket) => engine.tokenExpiryOf(socket),
    readsControl: (socket) => engine.stateOf(socket)?.isReady ?? false,
    encodeSystemMessage: (message) => encodeGameMessage({ type: "system", message }),
    deliver: (entry) => engine.deliver(entry),
    alarmWork: (now) => engine.alarmWork(now),
    nextAlarmWork: () => engine.nextAlarmWork(),
    onConnect: (socket, request) => engine.handleConnect(socket, request),
    onMessage: (socket, data) => engine.handleMessage(socket, data),
    onClose: (socket, code) => engine.handleClose(socket, code),
  };
}
