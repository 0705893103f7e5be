/**
 * Deltas between two JSON views. Objects are diffed key by key; arrays and primitives are
 * replaced whole. A patch is a list of `[path, value]` sets and `[path]` deletes.
 */
export type PatchOp = [path: string[], value: unknown] | [path: string[]];

export function diffJson(before: unknown, after: unknown, path: string[] = [], ops: PatchOp[] = []): PatchOp[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) if (!(key in after)) ops.push([[...path, key]]);
    for (const [key, value] of Object.entries(after)) {
      if (!(key in before)) ops.push([[...path, key], value]);
      else diffJson(before[key], value, [...path, key], ops);
    }
    return ops;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) ops.push([path, after]);
  return ops;
}

/** Applies a patch to a copy of `base` and returns it. */
export function applyPatch(base: unknown, ops: readonly PatchOp[]): unknown {
  let root: unknown = structuredClone(base);
  for (const op of ops) {
    const [path] = op;
    if (path.length === 0) {
      root = op.length === 2 ? structuredClone(op[1]) : null;
      continue;
    }
    let target = root;
    for (const key of path.slice(0, -1)) {
      if (!isPlainObject(target)) break;
      if (!isPlainObject(target[key])) target[key] = {};
      target = target[key];
    }
    if (!isPlainObject(target)) continue;
    const last = path[path.length - 1]!;
    if (op.length === 2) target[last] = structuredClone(op[1]);
    else delete target[last];
  }
  return root;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
