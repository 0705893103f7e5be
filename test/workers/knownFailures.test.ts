// Regression tests for ways room servers are known to lose data or leak authority, numbered as
// in the reliability issue. Each names what it guards against.
import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import { encodeAwareness, encodeQueryAwareness } from "../../rooms/doc/frames.ts";
import { devToken, openDoc } from "./helpers.ts";

/** The awareness states a frame carries, by client id. */
function awarenessIn(frame: Uint8Array): Map<number, string> {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== 1) return new Map();
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const states = new Map<number, string>();
  for (let n = decoding.readVarUint(inner); n > 0; n--) {
    const clientId = decoding.readVarUint(inner);
    decoding.readVarUint(inner);
    states.set(clientId, decoding.readVarString(inner));
  }
  return states;
}

describe("known failure modes", () => {
  it("[8] a read-only user cannot overwrite another user's presence through awareness", async () => {
    const room = `presence-${Date.now()}`;
    const editor = await openDoc(room, await devToken({ sub: "ed", room: `doc/${room}`, role: "editor" }));
    const viewer = await openDoc(room, await devToken({ sub: "vi", room: `doc/${room}`, role: "viewer" }));
    const watcher = await openDoc(room, await devToken({ sub: "wa", room: `doc/${room}`, role: "viewer" }));

    editor.send(encodeAwareness([{ clientId: 111, clock: 1, stateJson: JSON.stringify({ user: "Ed" }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).get(111)?.includes("Ed") === true);

    // The viewer claims the editor's client id with a newer clock, and adds presence of its own.
    viewer.send(encodeAwareness([{ clientId: 111, clock: 9, stateJson: JSON.stringify({ user: "Mallory" }) }]));
    viewer.send(encodeAwareness([{ clientId: 222, clock: 1, stateJson: JSON.stringify({ user: "Vi" }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).has(222));
    const seen = watcher.frames.length;
    watcher.send(encodeQueryAwareness());
    const all = await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).has(111), seen);
    expect(awarenessIn(all).get(111)).toContain("Ed");
    expect(awarenessIn(all).get(222)).toContain("Vi");
    expect(watcher.frames.some((f) => typeof f !== "string" && awarenessIn(f).get(111)?.includes("Mallory"))).toBe(false);
    for (const s of [editor, viewer, watcher]) s.close();
  });

  it("[8] the same user reconnecting takes its presence over from its old connection", async () => {
    const room = `presence-again-${Date.now()}`;
    const token = await devToken({ sub: "ed", room: `doc/${room}`, role: "editor" });
    const first = await openDoc(room, token);
    const watcher = await openDoc(room, await devToken({ sub: "wa", room: `doc/${room}`, role: "viewer" }));
    first.send(encodeAwareness([{ clientId: 333, clock: 1, stateJson: JSON.stringify({ at: 1 }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).get(333)?.includes('"at":1') === true);
    const second = await openDoc(room, token); // the old socket has not closed yet
    second.send(encodeAwareness([{ clientId: 333, clock: 2, stateJson: JSON.stringify({ at: 2 }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).get(333)?.includes('"at":2') === true);
    for (const s of [first, second, watcher]) s.close();
  });
});
