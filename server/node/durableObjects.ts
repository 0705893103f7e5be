import { nodeSqlite } from "../../persistence/nodeSqlite.ts";
import type { AlarmBook } from "./alarms.ts";
import type { LoadedObject, ObjectContext } from "./objectHost.ts";
import { eraseSqlite } from "./sqliteFile.ts";

type DurableObjectClass = new (ctx: DurableObjectState, env: Env) => object;

/**
 * Loads an object written as a Durable Object class (the matchmaker, the rate limiter) with the part
 * of DurableObjectState they use: `storage.sql`, `transactionSync`, the alarm, `blockConcurrencyWhile`,
 * `waitUntil`, `id.name`. Their SQL and logic run unchanged; the alarm is kept in the host's AlarmBook.
 */
export function durableObjectLoader(Class: DurableObjectClass, env: Env, alarms: AlarmBook) {
  return (context: ObjectContext): LoadedObject => {
    const { kind, name } = context;
    const database = context.db ? nodeSqlite(context.db) : null;
    const noStorage = () => {
      throw new Error(`${kind} objects keep no storage on Node`);
    };
    const storage = {
      get sql() {
        return database ? database.sql : noStorage();
      },
      transactionSync: <T>(closure: () => T): T => (database ? database.transactionSync(closure) : noStorage()),
      getAlarm: async () => alarms.get(kind, name),
      setAlarm: async (at: number | Date) => alarms.set(kind, name, typeof at === "number" ? at : at.getTime()),
      deleteAlarm: async () => alarms.delete(kind, name),
      deleteAll: async () => {
        alarms.delete(kind, name);
        if (context.db) eraseSqlite(context.db);
      },
      sync: async () => {},
    };
    const state = {
      id: { name, toString: () => name, equals: (other: { name?: string }) => other.name === name },
      storage,
      blockConcurrencyWhile: async <T>(work: () => Promise<T>) => work(),
      waitUntil: (promise: Promise<unknown>) => void promise.catch((error) => console.error(JSON.stringify({ event: "wait_until_failed", kind, name, error: String(error) }))),
      props: {},
    };
    // The state is the part of DurableObjectState these classes use, checked by their tests on Node.
    const instance = new Class(state as unknown as DurableObjectState, env) as Record<string, unknown>;
    return {
      instance,
      socketCount: () => 0,
      alarm: async () => {
        const alarm = instance.alarm;
        if (typeof alarm === "function") await (alarm as () => Promise<void>).call(instance);
      },
      unload: () => {},
    };
  };
}
