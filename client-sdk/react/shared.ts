// One socket per (client, room), however many components use the room and however often React mounts them.
// React 19 StrictMode runs every effect, its cleanup, and the effect again on mount: a hook that opened a
// socket in its effect and closed it in the cleanup would open, drop and reopen one each time (and matchmake
// twice). So a room's connection lives in a table per client with a count of its users; the last user's
// release is deferred by one macrotask, and StrictMode's second effect, which runs in the same task as the
// cleanup, takes the connection back before it is destroyed.

/** A value shared by the components that use one room of one client. */
export interface Shared<T> {
  readonly value: T;
  /** Users holding it; 0 between the last release and its deferred destroy. */
  users: number;
}

interface Slot<T> extends Shared<T> {
  dispose: () => void;
  releaseTimer: ReturnType<typeof setTimeout> | null;
}

const tables = new WeakMap<object, Map<string, Slot<unknown>>>();

function tableOf(owner: object): Map<string, Slot<unknown>> {
  let table = tables.get(owner);
  if (!table) tables.set(owner, (table = new Map()));
  return table;
}

/**
 * The shared value for `key` of `owner`, made with `make` when there is none. Safe to call while rendering:
 * it opens nothing (a value opens its socket when first retained, in an effect). A value made by a render
 * that never commits stays in the table, unopened, until that room is next used and released.
 */
export function sharedFor<T>(owner: object, key: string, make: () => { value: T; dispose: () => void }): Shared<T> {
  const table = tableOf(owner);
  let slot = table.get(key) as Slot<T> | undefined;
  if (!slot) {
    const made = make();
    slot = { value: made.value, dispose: made.dispose, users: 0, releaseTimer: null };
    table.set(key, slot as Slot<unknown>);
  }
  return slot;
}

/** Counts a user of the shared value (from an effect); cancels a pending destroy. */
export function retain<T>(shared: Shared<T>): void {
  const slot = shared as Slot<T>;
  slot.users++;
  if (slot.releaseTimer !== null) clearTimeout(slot.releaseTimer);
  slot.releaseTimer = null;
}

/**
 * Uncounts a user (from the effect's cleanup). When none is left, the value is destroyed and forgotten one
 * macrotask later, unless a user retains it first: StrictMode's remount does, in the same task.
 */
export function release<T>(owner: object, key: string, shared: Shared<T>): void {
  const slot = shared as Slot<T>;
  slot.users--;
  if (slot.users > 0 || slot.releaseTimer !== null) return;
  slot.releaseTimer = setTimeout(() => {
    slot.releaseTimer = null;
    if (slot.users > 0) return;
    const table = tableOf(owner);
    if (table.get(key) === slot) table.delete(key);
    slot.dispose();
  }, 0);
}
