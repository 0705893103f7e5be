import type { Connection } from "partyserver";
import type { RoomPorts } from "../engine/ports.ts";
import { socketOf } from "./sockets.ts";

/**
 * The ports of a room in a Durable Object. `ctx.storage` is the room's SQL database and R2 its
 * archive as they are. Durability leans on workerd's output gate, and says so: every message sent
 * while a turn's writes are in flight is held until they are durable, so `afterDurable` may send at
 * once and the client still never hears of a write the disk does not have.
 */
export function cloudflarePorts(ctx: DurableObjectState, env: Env, connections: () => Iterable<Connection>): RoomPorts {
  return {
    host: {
      name: ctx.id.name ?? "",
      sockets: () => [...connections()].map(socketOf),
      storageBytes: () => ctx.storage.sql.databaseSize,
      deleteAll: () => ctx.storage.deleteAll(),
      // After the turn, so the turn's replies (a 4500 close, an admin's answer) go out first.
      drop: (reason) => void setTimeout(() => ctx.abort(reason), 0),
    },
    db: ctx.storage,
    durability: {
      sync: () => ctx.storage.sync(),
      afterDurable: (send) => send(),
      holdsOutput: true,
    },
    scheduler: {
      ...alarmOf(ctx),
      later: (delayMs, work) => {
        const timer = setTimeout(work, delayMs);
        return () => clearTimeout(timer);
      },
      afterTurn: (work) => void setTimeout(work, 0),
    },
    clock: { now: () => Date.now(), elapsedMs: () => performance.now() },
    random: { uuid: () => crypto.randomUUID() },
    archive: env.ARCHIVE,
  };
}

/**
 * The room's one alarm, not written again for the time it is already at: every join and leave asks
 * for it (directory report, handshake deadlines), mostly for the time already set, and a setAlarm
 * is a storage write whose commit the turn's messages wait for (the output gate). Reading the alarm
 * is not: the runtime answers it from memory. Asked of storage, not remembered here, so an alarm
 * that ran (or that a test ran early) is set again.
 */
function alarmOf(ctx: DurableObjectState): Pick<RoomPorts["scheduler"], "setAlarm" | "deleteAlarm"> {
  return {
    setAlarm: async (at) => {
      if ((await ctx.storage.getAlarm()) === at) return;
      await ctx.storage.setAlarm(at);
    },
    deleteAlarm: () => ctx.storage.deleteAlarm(),
  };
}
