import { describe, expect, it } from "vitest";
import { decodePresenceState, isPresenceColor, stampPresence, withSafePresenceColors } from "./presence.ts";

const who = { id: "u-1", name: "Ada" };

describe("presence states", () => {
  it("parses a JSON object or null, and refuses anything else", () => {
    expect(decodePresenceState('{"a":1}')).toEqual({ ok: true, state: { a: 1 } });
    expect(decodePresenceState("null")).toEqual({ ok: true, state: null });
    for (const bad of ["{x", "[]", "1", '"s"', "true", ""]) expect(decodePresenceState(bad).ok).toBe(false);
  });

  it("writes the identity over what the client claims, keeping its other user fields", () => {
    expect(stampPresence({ user: { name: "Mallory", id: "root", avatar: "a.png" }, cursor: 3 }, who)).toEqual({
      user: { name: "Ada", id: "u-1", avatar: "a.png" },
      cursor: 3,
    });
    expect(stampPresence({ user: "Mallory" }, who)).toEqual({ user: { id: "u-1", name: "Ada" } });
    expect(stampPresence({}, who)).toEqual({ user: { id: "u-1", name: "Ada" } });
  });

  it("keeps colours only as #rrggbb", () => {
    const hostile = "red;background:url(https://attacker.example/x)";
    expect(stampPresence({ user: { color: hostile, colorLight: "#ff000033" } }, who)).toEqual({ user: { id: "u-1", name: "Ada" } });
    expect(stampPresence({ user: { color: "#A0b1C2", colorLight: "#a0b1c2" } }, who)).toEqual({ user: { color: "#A0b1C2", colorLight: "#a0b1c2", id: "u-1", name: "Ada" } });
    expect([isPresenceColor("#abcdef"), isPresenceColor("#abc"), isPresenceColor("#abcdef00"), isPresenceColor(" #abcdef"), isPresenceColor(1)]).toEqual([true, false, false, false, false]);
  });

  it("keeps a __proto__ key as data, never as the prototype", () => {
    const parsed = decodePresenceState('{"user":{"__proto__":{"polluted":true},"name":"x"}}');
    if (!parsed.ok || !parsed.state) throw new Error("expected a state");
    const stamped = stampPresence(parsed.state, who);
    expect(Object.getPrototypeOf(stamped.user)).toBe(Object.prototype);
    expect(JSON.stringify(stamped)).toBe('{"user":{"__proto__":{"polluted":true},"name":"Ada","id":"u-1"}}');
  });

  it("drops unsafe colours from a received state and leaves everything else as it came", () => {
    expect(JSON.parse(withSafePresenceColors('{"user":{"name":"E","color":"red;background:url(x)"},"c":1}'))).toEqual({ user: { name: "E" }, c: 1 });
    for (const same of ['{"user":{"color":"#00ff00"}}', '{"a":1}', "null", "{bad", '{"user":"x"}']) expect(withSafePresenceColors(same)).toBe(same);
  });
});
