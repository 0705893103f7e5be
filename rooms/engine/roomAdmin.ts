import { OutboxLimits, SqliteOutbox } from "../../persistence/outbox.ts";
import { CloseCode } from "../../protocol/index.ts";
import { logEvent } from "../log.ts";
import { PURGE_KEEPS, PURGE_MAX_R2_OBJECTS_PER_REQUEST, countSqliteRows, deleteR2Prefix, type PurgeReport } from "../purge.ts";
import type { RoomCore } from "./roomCore.ts";
import { EVENT_OUTBOX_KINDS, MAX_ENTRIES_PER_EVENT } from "./roomEvents.ts";

/** The admin operations every room kind answers the same way (the admin API calls them on the room). */
export interface RoomAdmin {
  /** Open connections with who they are and what they sent and received. */
  connectionsInfo(): { id: string; user: string; role: string; connectedAt: number; messagesIn: number; messagesOut: number; bytesIn: number; bytesOut: number }[];
  /** Closes a connection, or every connection of a sub, with 4403 and the reason; returns how many. */
  kick(target: { connectionId?: string; sub?: string }, reason: string): number;
  /** Sends a system message to every client that reads control messages; returns how many. */
  broadcastSystem(message: string): number;
  setLocked(isLocked: boolean): void;
  /**
   * Closes every connection with 4404 and deletes the room's archived objects (at most
   * `maxR2Objects`); once none remain, removes its directory row and its storage. With objects
   * left, the rows stay and the report says so, so a later call finds the room and finishes.
   */
  purge(options?: { maxR2Objects?: number }): Promise<PurgeReport>;
}

export function adminOps(core: RoomCore): RoomAdmin {
  const { room, ports } = core;
  return {
    connectionsInfo() {
      return core.openSockets().flatMap((socket) => {
        const identity = room.identityOf(socket);
        if (!identity) return [];
        // `user` is the admin inspect contract's name for the sub (README, connectionList).
        return [{ id: socket.id, user: identity.sub, role: identity.role, connectedAt: identity.connectedAt, ...core.telemetry.connection(socket.id) }];
      });
    },

    kick(target, reason) {
      let kicked = 0;
      for (const socket of core.openSockets()) {
        const identity = room.identityOf(socket);
        if (socket.id !== target.connectionId && (target.sub === undefined || identity?.sub !== target.sub)) continue;
        core.closeSocket(socket, CloseCode.FORBIDDEN, `kicked: ${reason}`);
        kicked += 1;
      }
      logEvent("admin_kick", { room: room.roomPath, ...target, reason, kicked });
      return kicked;
    },

    broadcastSystem(message) {
      const text = room.encodeSystemMessage(message);
      const targets = core.openSockets().filter((s) => room.identityOf(s) && room.readsControl(s));
      for (const socket of targets) core.send(socket, text);
      logEvent("admin_broadcast", { room: room.roomPath, recipients: targets.length });
      return targets.length;
    },

    setLocked(isLocked) {
      core.meta.set("locked", String(isLocked));
      logEvent("admin_lock", { room: room.roomPath, isLocked });
      core.noteDirectoryChange();
    },

    async purge({ maxR2Objects = PURGE_MAX_R2_OBJECTS_PER_REQUEST } = {}) {
      for (const socket of core.openSockets()) core.closeSocket(socket, CloseCode.NOT_FOUND, "room deleted");
      // No outbox upload may start while the room's objects are being deleted.
      // Forgotten first: a join during the await must not take the deleted alarm as set.
      core.forgetAlarm();
      await ports.scheduler.deleteAlarm();
      const r2 = await deleteR2Prefix(ports.archive, room.archivePrefix, maxR2Objects);
      const removed = { r2Objects: r2.objects, r2Bytes: r2.bytes, directoryRows: 0, sqliteRows: 0 };
      if (!r2.isComplete) {
        await core.scheduleAlarm();
        logEvent("admin_delete", { room: room.roomPath, isComplete: false, ...removed });
        return { isComplete: false, removed, kept: PURGE_KEEPS };
      }
      removed.directoryRows = await core.services.removeFromDirectory(room.roomPath, ports.clock.now());
      removed.sqliteRows = countSqliteRows(ports.db.sql);
      core.isDeleted = true;
      // Room events outlive the room: those not yet delivered, and this delete's own, are written back
      // into the emptied storage right after deleteAll, in the same turn (deleteAll empties the storage
      // at once; the admin's answer waits on both commits), and the alarm delivers them from there. The
      // outbox then holds only events, so nothing of the room comes back; a new room of this name would
      // deliver them too.
      const undelivered = core.outbox.entriesOfKinds(Object.values(EVENT_OUTBOX_KINDS));
      // Room for the delete's own entries in the new outbox: a backlog that large means a receiver down for days.
      const carried = undelivered.slice(0, OutboxLimits.MAX_ENTRIES - MAX_ENTRIES_PER_EVENT);
      if (carried.length < undelivered.length) logEvent("event_dropped", { room: room.roomPath, reason: "room deleted with a full outbox", entries: undelivered.length - carried.length });
      const deleting = ports.host.deleteAll();
      core.meta.forgetCached(); // its cached values went with the rows
      const outbox = new SqliteOutbox(ports.db.sql); // its tables again
      const now = ports.clock.now();
      for (const entry of carried) outbox.enqueue(entry.kind, entry.key, entry.payload, now, { isReserved: true });
      core.recordEvent("room.deleted", `room.deleted:${ports.random.uuid()}`, { kind: room.kind, game: room.gameName, roomId: room.roomId, removed }, now, { isReserved: true });
      await deleting;
      // Not scheduleAlarm: the room kind's own alarm work reads tables that are gone.
      const flushAt = outbox.nextAttemptAt();
      if (flushAt !== null) await ports.scheduler.setAlarm(flushAt);
      logEvent("admin_delete", { room: room.roomPath, isComplete: true, ...removed });
      // The in-memory room still holds the old state: drop the instance, so the next request starts empty.
      core.drop("room deleted");
      return { isComplete: true, removed, kept: PURGE_KEEPS };
    },
  };
}
