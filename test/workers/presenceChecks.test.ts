// README, "Bounds of a collaboration room": presence (awareness) states are checked by the room.
// A state that is not a JSON object closes its sender with 4400; one over 8 KiB closes it with
// 4413; a room holds at most 256 KiB of presence; a joiner receives it in frames of at most
// 64 KiB; and the room writes each state's `user.id` and `user.name` from the sender's token.
import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeAwareness, encodeQueryAwareness } from "../../rooms/doc/frames.ts";
import { devToken, encodeSyncStep1, openDoc, type TestSocket } from "./helpers.ts";
import { YjsMessageType } from "../../protocol/yjsMessages.ts";

const KiB = 1024;
/** The README's bounds, written out so this test holds the documented numbers, not the code's. */
const MAX_STATE_BYTES = 8 * KiB;
const MAX_ROOM_PRESENCE_BYTES = 256 * KiB;
const MAX_PRESENCE_FRAME_BYTES = 64 * KiB;

/** The awareness states a frame carries, by client id (none if it is not an awareness frame). */
function statesIn(frame: string | Uint8Array): Map<number, string> {
  const states = new Map<number, string>();
  if (typeof frame === "string") return states;
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== YjsMessageType.AWARENESS) return states;
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  for (let n = decoding.readVarUint(inner); n > 0; n--) {
    const clientId = decoding.readVarUint(inner);
    decoding.readVarUint(inner);
    states.set(clientId, decoding.readVarString(inner));
  }
  return states;
}

const isAwareness = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string" && f[0] === 1;
const isSyncReply = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string" && f[0] === 0 && f[1] === 1;

/**
 * Resolves once the room has handled everything this socket sent before: it answers a sync
 * step 1 with a step 2, in order. Resolves with the close code if the room closed it first.
 */
async function servedOrClosed(socket: TestSocket): Promise<"served" | number> {
  const seen = socket.frames.length;
  socket.send(encodeSyncStep1(new Y.Doc()));
  const served = socket.next(isSyncReply, seen).then(() => "served" as const);
  return Promise.race([served, socket.closed.then((c) => c.code)]);
}

/** Every presence state the room holds, as a new joiner's query is answered (all frames of the answer). */
async function presenceSeenBy(socket: TestSocket): Promise<Map<number, string>> {
  const seen = socket.frames.length;
  socket.send(encodeQueryAwareness());
  await socket.next(isAwareness, seen, { failOnClose: true });
  expect(await servedOrClosed(socket)).toBe("served");
  const all = new Map<number, string>();
  for (const frame of socket.frames.slice(seen)) for (const [id, state] of statesIn(frame)) all.set(id, state);
  return all;
}

const editorToken = (room: string, sub: string, name?: string) => devToken({ sub, name, room: `doc/${room}`, role: "editor" });
const padded = (bytes: number) => JSON.stringify({ pad: "x".repeat(bytes - '{"pad":""}'.length) });
const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

describe("presence is checked, bounded and honest", () => {
  it("[P1] closes a sender whose presence state is not JSON with 4400, and relays it to no one", async () => {
    const room = `presence-json-${Date.now()}`;
    const watcher = await openDoc(room, await editorToken(room, "watcher"));
    const sender = await openDoc(room, await editorToken(room, "sender"));
    sender.send(encodeAwareness([{ clientId: 71, clock: 1, stateJson: "{not json" }]));
    expect(await servedOrClosed(sender), "a state that is not JSON closes its sender").toBe(4400);

    const joiner = await openDoc(room, await editorToken(room, "joiner"));
    expect((await presenceSeenBy(joiner)).has(71), "a later joiner never receives the bad state").toBe(false);
    expect(await servedOrClosed(watcher)).toBe("served");
    expect(watcher.frames.some((f) => statesIn(f).has(71)), "nobody present received it").toBe(false);
  });

  it("[P1] also refuses JSON that is not an object: presence states are objects (or null to leave)", async () => {
    const room = `presence-shape-${Date.now()}`;
    const sender = await openDoc(room, await editorToken(room, "sender"));
    sender.send(encodeAwareness([{ clientId: 72, clock: 1, stateJson: "[1,2,3]" }]));
    expect(await servedOrClosed(sender)).toBe(4400);
  });

  it("[P2] serves a presence state of 8 KiB, and closes a sender of a 9 KiB state with 4413", async () => {
    const room = `presence-size-${Date.now()}`;
    const sender = await openDoc(room, await editorToken(room, "sender"));
    const joiner = await openDoc(room, await editorToken(room, "joiner"));
    sender.send(encodeAwareness([{ clientId: 81, clock: 1, stateJson: padded(MAX_STATE_BYTES) }]));
    expect(await servedOrClosed(sender), "a state of exactly 8 KiB is served").toBe("served");
    sender.send(encodeAwareness([{ clientId: 81, clock: 2, stateJson: padded(9 * KiB) }]));
    expect(await servedOrClosed(sender), "a 9 KiB state closes its sender").toBe(4413);
    const states = await presenceSeenBy(joiner);
    expect([...states.values()].every((s) => utf8Bytes(s) < 9 * KiB - 100), "the 9 KiB state reached no one").toBe(true);
    expect(joiner.frames.some((f) => [...statesIn(f).values()].some((s) => utf8Bytes(s) > 9 * KiB - 100))).toBe(false);
  });

  it("[P3] a joiner's first presence frames each stay under 64 KiB, and the room holds at most 256 KiB", async () => {
    const room = `presence-join-${Date.now()}`;
    const peers: TestSocket[] = [];
    // 10 connections x 4 states x 7 KiB = 280 KiB offered, past the room's 256 KiB.
    for (let p = 0; p < 10; p++) {
      const peer = await openDoc(room, await editorToken(room, `peer-${p}`));
      peer.send(encodeAwareness([0, 1, 2, 3].map((i) => ({ clientId: 1000 + p * 4 + i, clock: 1, stateJson: padded(7 * KiB) }))));
      expect(await servedOrClosed(peer), "a state past the room's bound is not the sender's fault").toBe("served");
      peers.push(peer);
    }

    const joiner = await openDoc(room, await editorToken(room, "joiner"));
    expect(await servedOrClosed(joiner)).toBe("served"); // everything sent at the join has arrived
    const joinFrames = joiner.frames.filter(isAwareness);
    expect(joinFrames.length).toBeGreaterThan(0);
    for (const frame of joinFrames) expect(frame.byteLength, "one join-time presence frame").toBeLessThanOrEqual(MAX_PRESENCE_FRAME_BYTES);
    const states = new Map(joinFrames.flatMap((f) => [...statesIn(f)]));
    const total = [...states.values()].reduce((sum, s) => sum + utf8Bytes(s), 0);
    expect(total, "the room's presence").toBeLessThanOrEqual(MAX_ROOM_PRESENCE_BYTES);
    expect(states.size, "states that fit stay; those past the bound are not kept").toBeGreaterThanOrEqual(32);
    expect(states.size).toBeLessThan(40);

    // A departure frees its share: the next state fits again.
    peers[0]!.close();
    await peers[0]!.closed;
    const late = await openDoc(room, await editorToken(room, "late"));
    late.send(encodeAwareness([{ clientId: 2000, clock: 1, stateJson: padded(7 * KiB) }]));
    expect(await servedOrClosed(late)).toBe("served");
    expect((await presenceSeenBy(joiner)).has(2000)).toBe(true);
    for (const s of [...peers, joiner, late]) s.close();
  });

  it("[P4] the room writes each state's user.id and user.name from the token, over what the client claims", async () => {
    const room = `presence-name-${Date.now()}`;
    const watcher = await openDoc(room, await editorToken(room, "watcher"));
    const alice = await openDoc(room, await editorToken(room, "alice-id", "Alice"));
    const nameless = await openDoc(room, await editorToken(room, "bob-id"));
    alice.send(
      encodeAwareness([
        { clientId: 91, clock: 1, stateJson: JSON.stringify({ user: { name: "Mallory (admin)", id: "mallory", color: "#A1b2C3", avatar: "a.png" }, cursor: 5 }) },
        { clientId: 92, clock: 1, stateJson: JSON.stringify({ cursor: 6 }) },
      ]),
    );
    nameless.send(encodeAwareness([{ clientId: 93, clock: 1, stateJson: JSON.stringify({ user: "Mallory" }) }]));
    expect(await servedOrClosed(alice)).toBe("served");
    expect(await servedOrClosed(nameless)).toBe("served");

    const joiner = await openDoc(room, await editorToken(room, "joiner"));
    for (const states of [await presenceSeenBy(joiner), await presenceSeenBy(watcher)]) {
      expect(JSON.parse(states.get(91)!)).toEqual({ user: { name: "Alice", id: "alice-id", color: "#A1b2C3", avatar: "a.png" }, cursor: 5 });
      expect(JSON.parse(states.get(92)!), "a state without a user gets the sender's").toEqual({ cursor: 6, user: { id: "alice-id", name: "Alice" } });
      expect(JSON.parse(states.get(93)!), "a token without a name shows its sub").toEqual({ user: { id: "bob-id", name: "bob-id" } });
    }
    expect(watcher.frames.some((f) => [...statesIn(f).values()].some((s) => s.includes("Mallory")))).toBe(false);
    for (const s of [watcher, alice, nameless, joiner]) s.close();
  });

  it("[P5] the room drops presence colours that are not #rrggbb, so stock peers never render them", async () => {
    const room = `presence-colour-${Date.now()}`;
    const sender = await openDoc(room, await editorToken(room, "eve", "Eve"));
    const hostile = "red;background:url(https://attacker.example/leak)";
    sender.send(encodeAwareness([{ clientId: 95, clock: 1, stateJson: JSON.stringify({ user: { name: "Eve", color: hostile, colorLight: `${hostile}33` } }) }]));
    expect(await servedOrClosed(sender)).toBe("served");
    const joiner = await openDoc(room, await editorToken(room, "joiner"));
    expect(JSON.parse((await presenceSeenBy(joiner)).get(95)!)).toEqual({ user: { name: "Eve", id: "eve" } });
    for (const s of [sender, joiner]) s.close();
  });
});
