// README, close codes: a socket whose token expires is closed at the token's `exp` with 4440
// (TOKEN_EXPIRED), a code the SDK does not treat as fatal: it fetches a fresh token and reconnects.
// A room must close it even while hibernating, so the deadline lives in the socket's attachment
// and the room's alarm, not in an in-memory timer.
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCode, IDENTITY_HEADER, PROTOCOL_VERSION } from "../../protocol/index.ts";
import { app } from "../../server/app.ts";
import { message } from "./gameHelpers.ts";
import { BASE, TestSocket, editFrame, type Closed } from "./helpers.ts";

const SECRET = "a-production-secret-for-token-expiry-tests";
/** The deployed configuration: AUTH_SECRET set, development tokens off. */
const productionEnv = { ...env, AUTH_SECRET: SECRET, DEV_TOKENS: "off" as const };
/** How long past `exp` the close may come: the alarm's own delay, on a machine shared with other tests. */
const CLOSE_GRACE_MS = 3_000;

/** A token that expires `lifetimeSeconds` from now, rounded up to the next whole second (JWT `exp` is in seconds). */
async function shortToken(claims: { sub: string; room: string; role: string }, lifetimeSeconds = 2) {
  const exp = Math.ceil(Date.now() / 1000) + lifetimeSeconds;
  const token = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
  return { token, expMs: exp * 1000 };
}

async function open(path: string, token: string): Promise<TestSocket> {
  const response = await app.fetch(new Request(`${BASE}${path}?token=${token}`, { headers: { Upgrade: "websocket" } }), productionEnv);
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

/** The socket's close, or a failure naming how long it stayed open past `exp`. */
async function closeNear(socket: TestSocket, expMs: number): Promise<Closed & { atMs: number }> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stillOpen = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the socket was still open ${CLOSE_GRACE_MS} ms after its token expired`)), expMs - Date.now() + CLOSE_GRACE_MS);
  });
  try {
    const closed = await Promise.race([socket.closed, stillOpen]);
    return { ...closed, atMs: Date.now() };
  } finally {
    clearTimeout(timer);
  }
}

const isControl = (type: string) => (f: string | Uint8Array): f is string => typeof f === "string" && JSON.parse(f).type === type;

describe("a socket whose token expires", { timeout: 20_000 }, () => {
  it("a document socket works until exp, then is closed with 4440", async () => {
    const { token, expMs } = await shortToken({ sub: "ada", room: "doc/expiry-doc", role: "editor" });
    const socket = await open("/v1/doc/expiry-doc", token);
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await socket.next(isControl("welcome"), 0, { failOnClose: true });
    socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "before expiry")));
    await socket.next(isControl("saved"), 0, { failOnClose: true });

    const closed = await closeNear(socket, expMs);
    expect(closed.code).toBe(CloseCode.TOKEN_EXPIRED);
    expect(closed.code).toBe(4440);
    expect(closed.reason).toMatch(/expired/);
    // Not early: the token was valid until exp (1 s of slack for workerd's coarse clock).
    expect(closed.atMs).toBeGreaterThanOrEqual(expMs - 1_000);
  });

  it("a hibernated document room still closes the socket at exp, from its alarm", async () => {
    const { token, expMs } = await shortToken({ sub: "bo", room: "doc/expiry-hibernated", role: "viewer" });
    const socket = await open("/v1/doc/expiry-hibernated", token);
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await socket.next(isControl("welcome"), 0, { failOnClose: true });
    // Drop the instance and everything it held in memory; the socket stays open, as in hibernation.
    await evictDurableObject(env.DocRoom.getByName("expiry-hibernated"));

    const closed = await closeNear(socket, expMs);
    expect(closed.code).toBe(CloseCode.TOKEN_EXPIRED);
  });

  it("a game player is closed with 4440 at exp, and a fresh token resumes the same seat", async () => {
    const path = "/v1/game/tictactoe/expiry-game";
    const first = await shortToken({ sub: "cy", room: "game/tictactoe/*", role: "player" });
    const socket = await open(path, first.token);
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    const welcome = await message(socket, "welcome");
    expect(welcome.seat).toBe(0);

    const closed = await closeNear(socket, first.expMs);
    expect(closed.code).toBe(CloseCode.TOKEN_EXPIRED);

    const fresh = await shortToken({ sub: "cy", room: "game/tictactoe/*", role: "player" }, 60);
    const again = await open(path, fresh.token);
    again.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, resume: welcome.resumeToken }));
    const rewelcome = await message(again, "welcome");
    expect(rewelcome.seat).toBe(0);
    again.close();
  });

  it("an identity whose exp has passed is closed with 4440 as soon as it reaches the room", async () => {
    // The edge refuses expired tokens; this is a token that expired on its way to the room.
    const identity = { sub: "dee", role: "viewer", room: "doc/expiry-late", exp: Math.floor(Date.now() / 1000) - 1 };
    const response = await env.DocRoom.getByName("expiry-late").fetch(
      new Request(`${BASE}/v1/doc/expiry-late`, { headers: { Upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(identity) } }),
    );
    const closed = await new TestSocket(response.webSocket!).closed;
    expect(closed.code).toBe(CloseCode.TOKEN_EXPIRED);
  });
});
