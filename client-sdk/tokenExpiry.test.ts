// README: a socket whose token expires is closed with 4440 (TOKEN_EXPIRED); the SDK fetches a fresh
// token and reconnects at once, without losing edits, and a player resumes its seat. And the SDK
// never puts a token in an HTTP URL: its HTTP calls carry it in `Authorization`.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { CloseCode, isFatalCloseCode, PROTOCOL_VERSION } from "../protocol/index.ts";
import { createClient } from "./index.ts";
import { FakeSocket } from "./test/fakeSocket.ts";
import { YjsMessageType } from "../protocol/yjsMessages.ts";

/** A client whose getToken hands out token-1, token-2, ... one per call. */
function makeClient(fetch: typeof globalThis.fetch = vi.fn()) {
  let issued = 0;
  const getToken = vi.fn(() => `token-${++issued}`);
  const client = createClient({
    baseUrl: "http://rooms.test",
    getToken,
    // Long waits, so a reconnect that waited them out is easy to tell from one that did not.
    reconnect: { minDelayMs: 2_000, maxDelayMs: 4_000, jitterMs: 1_000 },
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch,
  });
  return { client, getToken };
}

/** Lets pending promises (getToken) settle without moving the clock past any backoff. */
const settle = () => vi.advanceTimersByTimeAsync(0);
const last = () => FakeSocket.made.at(-1)!;

/** A y-protocols sync frame written by `write`. */
function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YjsMessageType.SYNC);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** The Yjs updates in the sync step 2 and update frames a socket sent, applied to a new doc. */
function docFromSent(socket: FakeSocket): Y.Doc {
  const doc = new Y.Doc();
  for (const data of socket.sent) {
    if (typeof data === "string") continue;
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== YjsMessageType.SYNC) continue;
    const kind = decoding.readVarUint(decoder);
    if (kind === syncProtocol.messageYjsSyncStep2 || kind === syncProtocol.messageYjsUpdate) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  }
  return doc;
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
});
afterEach(() => vi.useRealTimers());

describe("a socket closed because its token expired (4440)", () => {
  it("is 4440, and not fatal", () => {
    expect(CloseCode.TOKEN_EXPIRED).toBe(4440);
    expect(isFatalCloseCode(CloseCode.TOKEN_EXPIRED)).toBe(false);
  });

  it("a document reconnects at once with a fresh token, never says offline, and resends unsaved edits", async () => {
    const { client, getToken } = makeClient();
    const provider = client.doc("notes-1");
    const seen: string[] = [];
    provider.on("status", (status) => seen.push(status));
    await settle();
    last().open();
    // An edit the room never acknowledged: on the wire, but not `saved`.
    provider.doc.getText("t").insert(0, "unsaved edit");
    await vi.advanceTimersByTimeAsync(50);
    expect(provider.status).not.toBe("saved");

    seen.length = 0;
    last().drop(CloseCode.TOKEN_EXPIRED, "token expired");
    await settle();
    expect(FakeSocket.made.map((s) => s.token)).toEqual(["token-1", "token-2"]);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(seen).not.toContain("offline");
    expect(seen).not.toContain("closed");

    // The room (which lost nothing, or lost the edit) asks for what it lacks: the edit goes out again.
    last().open();
    last().receive(syncFrame((e) => syncProtocol.writeSyncStep1(e, new Y.Doc())));
    expect(docFromSent(last()).getText("t").toString()).toBe("unsaved edit");
    expect(provider.status).not.toBe("closed");
    provider.destroy();
  });

  it("a game player reconnects at once with a fresh token and resumes its seat", async () => {
    const { client } = makeClient();
    const game = client.game("tictactoe", "t-1");
    await settle();
    last().open();
    last().receive(
      JSON.stringify({
        type: "welcome", protocol: PROTOCOL_VERSION, role: "player", playerId: "ada", seat: 0, resumeToken: "resume-ada",
        tickRateHz: 20, matchId: null, tick: 0, ack: 0, view: null,
      }),
    );
    expect(game.status).toBe("joined");
    const seen: string[] = [];
    game.on("status", (status) => seen.push(status));

    last().drop(CloseCode.TOKEN_EXPIRED, "token expired");
    await settle();
    expect(FakeSocket.made.map((s) => s.token)).toEqual(["token-1", "token-2"]);
    last().open();
    expect(last().json.find((m) => m.type === "hello")).toMatchObject({ resume: "resume-ada" });
    expect(seen).not.toContain("offline");
    game.destroy();
  });

  it("a second 4440 before the room accepted the new socket waits out the backoff", async () => {
    const { client } = makeClient();
    const provider = client.doc("notes-2");
    await settle();
    last().open();
    last().drop(CloseCode.TOKEN_EXPIRED);
    await settle();
    expect(FakeSocket.made).toHaveLength(2);
    // The fresh token was no better (a cached one, say): no tight loop of reconnects.
    last().open();
    last().drop(CloseCode.TOKEN_EXPIRED);
    await settle();
    expect(FakeSocket.made).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(FakeSocket.made).toHaveLength(3);
    provider.destroy();
  });
});

describe("tokens stay out of HTTP URLs", () => {
  it("asking why an upgrade was refused sends the token in Authorization, not in the URL", async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      Response.json({ error: { code: "forbidden", message: "no" } }, { status: 403 }),
    );
    const { client } = makeClient(fetch as unknown as typeof globalThis.fetch);
    const provider = client.doc("notes-3");
    await settle();
    last().refuse();
    await settle();
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("http://rooms.test/v1/doc/notes-3");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer token-1");
    expect(provider.status).toBe("closed");
    provider.destroy();
  });

  it("matchmaking sends the token in Authorization, not in the URL", async () => {
    const fetch = vi.fn(async (_url: URL | string, _init?: RequestInit) => Response.json({ roomId: "m-1", region: "any" }));
    const { client } = makeClient(fetch as unknown as typeof globalThis.fetch);
    const game = await client.joinOrCreate("tictactoe");
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).not.toMatch(/token/i);
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer token-1");
    game.destroy();
  });
});
