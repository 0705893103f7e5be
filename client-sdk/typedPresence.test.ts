import * as awarenessProtocol from "y-protocols/awareness";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { stampPresence } from "../protocol/presence.ts";
import { Presence, type PresenceDecoder } from "./typedPresence.ts";

interface Cursor {
  cursor: number;
}
const decodeCursor: PresenceDecoder<Cursor> = (raw) => (Number.isSafeInteger(raw.cursor) ? { cursor: raw.cursor as number } : null);

/** Relays `from`'s local state into `to` as an Edgeroom room would: stamped with the sender's token identity. */
function relay(from: awarenessProtocol.Awareness, to: awarenessProtocol.Awareness, who: { id: string; name: string } | null): void {
  const state = from.getLocalState();
  const peer = new awarenessProtocol.Awareness(new Y.Doc());
  peer.clientID = from.clientID;
  peer.setLocalState(state === null ? null : who ? stampPresence(state, who) : state);
  // A fresh clock would lose against one already seen; carry the sender's.
  peer.meta.set(from.clientID, { clock: from.meta.get(from.clientID)!.clock, lastUpdated: Date.now() });
  awarenessProtocol.applyAwarenessUpdate(to, awarenessProtocol.encodeAwarenessUpdate(peer, [from.clientID]), "room");
  peer.destroy();
}

describe("typed presence", () => {
  it("set() writes plain awareness fields, and others() lists peers by the room's stamp with their decoded state", () => {
    const ada = new awarenessProtocol.Awareness(new Y.Doc());
    const bob = new awarenessProtocol.Awareness(new Y.Doc());
    const adaPresence = new Presence(ada, decodeCursor);
    const bobPresence = new Presence(bob, decodeCursor);
    const changes: number[] = [];
    bobPresence.on("change", () => changes.push(bobPresence.others().length));

    // Ada claims to be someone else; the room's stamp wins.
    ada.setLocalStateField("user", { id: "mallory", name: "Mallory", color: "#112233" });
    adaPresence.set({ cursor: 3 });
    expect(ada.getLocalState()).toEqual({ user: { id: "mallory", name: "Mallory", color: "#112233" }, cursor: 3 });
    expect(adaPresence.get()).toEqual({ cursor: 3 });
    relay(ada, bob, { id: "ada-1", name: "Ada" });

    expect(bobPresence.others()).toEqual([{ clientId: ada.clientID, id: "ada-1", name: "Ada", color: "#112233", state: { cursor: 3 } }]);
    expect(changes).toEqual([1]);

    adaPresence.set({ cursor: 4 });
    relay(ada, bob, { id: "ada-1", name: "Ada" });
    expect(bobPresence.others()[0]?.state).toEqual({ cursor: 4 });
    expect(changes).toEqual([1, 1]);
  });

  it("leaves out states the room did not stamp, keeps a stamped peer whose state does not decode with state null, and ignores unchanged renewals", () => {
    const me = new awarenessProtocol.Awareness(new Y.Doc());
    const presence = new Presence(me, decodeCursor);
    const unstamped = new awarenessProtocol.Awareness(new Y.Doc());
    unstamped.setLocalState({ cursor: 2 });
    relay(unstamped, me, null);
    const odd = new awarenessProtocol.Awareness(new Y.Doc());
    odd.setLocalState({ cursor: "three", user: { color: "red;x:url(y)" } });
    relay(odd, me, { id: "odd-1", name: "Odd" });

    const others = presence.others();
    expect(others.map((o) => o.name).sort()).toEqual(["Odd"]);
    expect(others.find((o) => o.name === "Odd")).toEqual({ clientId: odd.clientID, id: "odd-1", name: "Odd", color: null, state: null });

    let calls = 0;
    const off = presence.on("change", () => calls++);
    relay(odd, me, { id: "odd-1", name: "Odd" }); // same state again: awareness reports no change
    expect(calls).toBe(0);
    odd.setLocalStateField("cursor", 5);
    relay(odd, me, { id: "odd-1", name: "Odd" });
    expect(calls).toBe(1);
    off();
    odd.setLocalStateField("cursor", 6);
    relay(odd, me, { id: "odd-1", name: "Odd" });
    expect(calls).toBe(1);
  });

  it("refuses to set `user`, which is the room's, and get() without a decoder returns the raw fields", () => {
    const me = new awarenessProtocol.Awareness(new Y.Doc());
    const presence = new Presence(me);
    expect(() => presence.set({ user: { name: "Me" } })).toThrow(TypeError);
    presence.set({ cursor: 1, selection: [1, 2] });
    presence.set({ cursor: 2 });
    expect(presence.get()).toEqual({ cursor: 2, selection: [1, 2] });
  });
});
