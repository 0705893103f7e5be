// Issue 13 §6: the room sees only what the edge meant to send. partyserver takes a socket's
// connection id from `?_pk=` and its name and props from `x-partykit-*` headers; a client that
// could set those chose another socket's id (silencing it) or made the room's set-up throw, and
// partyserver answers such a throw with its stack inside a 101 frame.
import { exports } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { IDENTITY_HEADER, LOCATION_HINT_HEADER, PROTOCOL_VERSION } from "../../protocol/index.ts";
import { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { GameRoom } from "../../rooms/game/GameRoom.ts";
import { message } from "./gameHelpers.ts";
import { BASE, TestSocket, devToken, editFrame, receivedText } from "./helpers.ts";

type Welcome = { type: "welcome"; connectionId: string };
const isWelcome = (f: string | Uint8Array): f is string => typeof f === "string" && JSON.parse(f).type === "welcome";

/** Opens a document socket with extra query and headers, says hello, and returns it with its welcome. */
async function openDocWith(roomId: string, sub: string, role: string, query: string, headers: Record<string, string> = {}) {
  const token = await devToken({ sub, room: `doc/${roomId}`, role });
  const response = await exports.default.fetch(`${BASE}/v1/doc/${roomId}?token=${token}${query}`, {
    headers: { Upgrade: "websocket", ...headers },
  });
  expect(response.status).toBe(101);
  const socket = new TestSocket(response.webSocket!);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  const welcome = JSON.parse(await socket.next(isWelcome, 0, { failOnClose: true })) as Welcome;
  return { socket, welcome };
}

async function openGameWith(roomId: string, sub: string, query: string, headers: Record<string, string> = {}) {
  const token = await devToken({ sub, room: `game/tictactoe/${roomId}`, role: "player" });
  const response = await exports.default.fetch(`${BASE}/v1/game/tictactoe/${roomId}?token=${token}${query}`, {
    headers: { Upgrade: "websocket", ...headers },
  });
  expect(response.status).toBe(101);
  const socket = new TestSocket(response.webSocket!);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  const welcome = await Promise.race([
    message(socket, "welcome"),
    socket.closed.then((c) => Promise.reject(new Error(`closed ${c.code} ${c.reason} before welcome: ${socket.frames.join(" | ")}`))),
  ]);
  return { socket, welcome };
}

/** Every request that reaches a document or game room while a test runs (the rooms run in the test's isolate). */
const seen: Request[] = [];
const restores = [DocRoom.prototype, GameRoom.prototype].map((proto) => {
  const original = proto.fetch;
  proto.fetch = function (this: typeof proto, request: Request) {
    seen.push(request.clone());
    return original.call(this, request);
  };
  return () => void (proto.fetch = original);
});
afterEach(() => void seen.splice(0));
afterAll(() => restores.forEach((restore) => restore()));

describe("connection ids are chosen by the server", () => {
  it("two sockets that send the same ?_pk= get different ids and both keep receiving edits", async () => {
    const victim = await openDocWith("pk-reuse", "victim", "editor", "&_pk=shared-id");
    const copycat = await openDocWith("pk-reuse", "copycat", "viewer", "&_pk=shared-id");
    expect(victim.welcome.connectionId).not.toBe("shared-id");
    expect(copycat.welcome.connectionId).not.toBe("shared-id");
    expect(copycat.welcome.connectionId).not.toBe(victim.welcome.connectionId);

    const writer = await openDocWith("pk-reuse", "writer", "editor", "");
    writer.socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "for both")));
    for (const reader of [victim.socket, copycat.socket]) {
      await reader.next((f): f is Uint8Array => typeof f !== "string" && receivedText(reader) === "for both", 0, { failOnClose: true });
    }
    for (const s of [victim, copycat, writer]) s.socket.close();
  });

  it.each([
    ["a document room", "doc"],
    ["a game room", "game"],
  ])("%s answers a 300-character ?_pk= with a normal socket, no stack", async (_label, kind) => {
    const query = `&_pk=${"p".repeat(300)}`;
    const opened = kind === "doc" ? await openDocWith("pk-long", "long-pk", "editor", query) : await openGameWith("pk-long", "long-pk", query);
    expect(new URL(seen.at(-1)!.url).searchParams.get("_pk")!.length).toBeLessThanOrEqual(64);
    expect(opened.socket.frames.some((f) => typeof f === "string" && /stack|Error|    at /.test(f))).toBe(false);
    opened.socket.close();
  });
});

describe("the room receives an allowlist of what the client sent", () => {
  it("x-partykit-* headers from a client are ignored (a bad x-partykit-props no longer throws in the room)", async () => {
    const { socket, welcome } = await openDocWith("pk-headers", "header-sender", "editor", "", {
      "x-partykit-props": "%%% not base64 %%%",
      "x-partykit-room": "someone-elses-room",
      "x-partykit-namespace": "GameRoom",
    });
    expect(welcome.connectionId).toBeTruthy();
    const [request] = seen;
    expect([...request!.headers.keys()].filter((k) => k.startsWith("x-partykit-"))).toEqual([]);
    socket.close();
  });

  it("the room's request carries only the upgrade, the edge's identity and placement, and a server-chosen _pk", async () => {
    const { socket, welcome } = await openDocWith("pk-allowlist", "allowlisted", "editor", "&region=weur&_pk=mine&extra=1", {
      Cookie: "session=secret",
      "X-Forwarded-For": "203.0.113.9",
      "X-Edgeroom-Something": "client-made",
      "User-Agent": "test",
    });
    const [request] = seen;
    const allowed = new Set(["upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", IDENTITY_HEADER, LOCATION_HINT_HEADER]);
    expect([...request!.headers.keys()].filter((k) => !allowed.has(k))).toEqual([]);
    const url = new URL(request!.url);
    expect([...url.searchParams.keys()]).toEqual(["_pk"]);
    expect(url.searchParams.get("_pk")).toBe(welcome.connectionId);
    expect(welcome.connectionId).not.toBe("mine");
    socket.close();
  });
});
