// The table under useDoc and useGame: StrictMode's unmount-and-mount in one task keeps the value; the last
// user leaving destroys it one macrotask later. (e2e/react.spec.ts checks the same through sockets in Chromium.)
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { release, retain, sharedFor } from "./shared.ts";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function makeRoom(owner: object, key: string, disposed: string[]) {
  return sharedFor(owner, key, () => ({ value: { key }, dispose: () => void disposed.push(key) }));
}

describe("shared rooms", () => {
  it("a release and a retain in one task (StrictMode's remount) keep the value; the last release destroys it a macrotask later", () => {
    const owner = {};
    const disposed: string[] = [];
    const first = makeRoom(owner, "doc/a", disposed);
    expect(makeRoom(owner, "doc/a", disposed)).toBe(first);
    retain(first);
    release(owner, "doc/a", first);
    retain(first);
    vi.runAllTimers();
    expect(disposed).toEqual([]);
    expect(makeRoom(owner, "doc/a", disposed)).toBe(first);

    release(owner, "doc/a", first);
    expect(disposed).toEqual([]); // not yet: a remount in this task could still take it
    vi.runAllTimers();
    expect(disposed).toEqual(["doc/a"]);
    expect(makeRoom(owner, "doc/a", disposed)).not.toBe(first);
  });

  it("counts every user: the room lives while any one holds it, and tables are per owner", () => {
    const [one, two] = [{}, {}];
    const disposed: string[] = [];
    const room = makeRoom(one, "doc/b", disposed);
    expect(makeRoom(two, "doc/b", disposed)).not.toBe(room);
    retain(room);
    retain(room);
    release(one, "doc/b", room);
    vi.runAllTimers();
    expect(disposed).toEqual([]);
    release(one, "doc/b", room);
    vi.runAllTimers();
    expect(disposed).toEqual(["doc/b"]);
  });
});
