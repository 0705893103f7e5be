import * as awarenessProtocol from "y-protocols/awareness";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { presentPeople, safeColor, withSafeColors } from "./presence.ts";

const hostile = "red;background:url(https://attacker.example/leak)";

/** An awareness update as a peer would send it, carrying `state` for a client of its own. */
function peerUpdate(state: Record<string, unknown>): Uint8Array {
  const peer = new awarenessProtocol.Awareness(new Y.Doc());
  peer.setLocalState(state);
  return awarenessProtocol.encodeAwarenessUpdate(peer, [peer.clientID]);
}

describe("presence helpers", () => {
  it("safeColor passes only #rrggbb", () => {
    expect(safeColor("#A0b1C2", "#888888")).toBe("#A0b1C2");
    for (const bad of [hostile, "#abc", "#abcdef00", "red", "", null, 7]) expect(safeColor(bad, "#888888")).toBe("#888888");
    expect(() => safeColor("#000000", "red")).toThrow(TypeError);
  });

  it("lists people by the names the room wrote, with safe colours, and leaves out states the room did not vouch for", () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalStateField("user", { name: "Me", color: "#112233" });
    awarenessProtocol.applyAwarenessUpdate(awareness, peerUpdate({ user: { id: "ada-1", name: "Ada", color: hostile } }), "test");
    awarenessProtocol.applyAwarenessUpdate(awareness, peerUpdate({ user: { name: "Not vouched for" } }), "test");
    const people = presentPeople(awareness).map(({ isSelf, id, name, color }) => ({ isSelf, id, name, color }));
    expect(people).toEqual([
      { isSelf: true, id: null, name: "Me", color: "#112233" },
      { isSelf: false, id: "ada-1", name: "Ada", color: "#888888" },
    ]);
  });

  it("withSafeColors strips colours an editor binding would draw, before the awareness sees them", () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(awareness, withSafeColors(peerUpdate({ user: { id: "e", name: "Eve", color: hostile, colorLight: "#ff0000" }, cursor: 1 })), "test");
    const [state] = [...awareness.getStates().values()].filter((s) => s.cursor === 1);
    expect(state).toEqual({ user: { id: "e", name: "Eve", colorLight: "#ff0000" }, cursor: 1 });
  });
});
