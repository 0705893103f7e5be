import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCode, DocLimits, PROTOCOL_VERSION } from "../../protocol/index.ts";
import { BASE, TestSocket, devToken, editFrame, encodeSyncStep1, openDoc, openSdkDoc, receivedText } from "./helpers.ts";

/** A socket as y-partyserver's YProvider opens it: `/parties/{party}/{room}`, its own `_pk`, the token in `params`. */
async function openParty(party: string, roomId: string, token: string): Promise<TestSocket> {
  const response = await exports.default.fetch(`${BASE}/parties/${party}/${roomId}?_pk=client-chosen&token=${token}`, {
    headers: { Upgrade: "websocket" },
  });
  if (!response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return new TestSocket(response.webSocket);
}

const isBinary = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string";
const isCustom = (f: string | Uint8Array): f is string => typeof f === "string" && f.startsWith("__YPS:");

describe("PartyKit paths (/parties/{party}/{room})", () => {
  it("/parties/main/{room} is the doc room {room}: edits reach a /v1/doc client and back", async () => {
    const room = `parties-sync-${crypto.randomUUID()}`;
    const token = await devToken({ sub: "p", room: `doc/${room}`, role: "editor" });
    const party = await openParty("main", room, token);
    const doc = await openDoc(room, token);
    party.send(encodeSyncStep1(new Y.Doc()));
    await party.next(isBinary, 0, { failOnClose: true });
    party.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "from party")));
    await doc.next((f): f is Uint8Array => isBinary(f) && receivedText(doc).includes("from party"), 0, { failOnClose: true });
    party.close();
    doc.close();
  });

  it("party `doc` is an alias of `main`; any other party is a 404 naming the parties served", async () => {
    const room = `parties-alias-${crypto.randomUUID()}`;
    const token = await devToken({ sub: "p", room: `doc/${room}`, role: "editor" });
    (await openParty("doc", room, token)).close();
    const other = await exports.default.fetch(`${BASE}/parties/chat/${room}?token=${token}`, { headers: { Upgrade: "websocket" } });
    expect(other.status).toBe(404);
    const body = await other.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("unknown_party");
    expect(body.error.message).toContain("main");
  });

  it("the edge checks apply: no token is refused before any room, and the edge chooses the connection id, not `_pk`", async () => {
    const response = await exports.default.fetch(`${BASE}/parties/main/parties-no-token`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(401);
    const room = `parties-pk-${crypto.randomUUID()}`;
    const party = await openParty("main", room, await devToken({ sub: "p", room: `doc/${room}`, role: "editor" }));
    party.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    const welcome = JSON.parse(await party.control("welcome")) as { connectionId: string };
    expect(welcome.connectionId).not.toBe("client-chosen");
    party.close();
  });

  it("custom messages are bounded like every frame: one over the frame limit closes its sender with 4413", async () => {
    const room = `parties-big-${crypto.randomUUID()}`;
    const token = await devToken({ sub: "p", room: `doc/${room}`, role: "editor" });
    const [a, b] = [await openParty("main", room, token), await openParty("main", room, token)];
    a.send(`__YPS:${"x".repeat(DocLimits.MAX_MESSAGE_BYTES)}`);
    expect((await a.closed).code).toBe(CloseCode.MESSAGE_TOO_LARGE);
    expect(b.frames.filter(isCustom)).toEqual([]);
    b.close();
  });

  it("a __YPS: custom message reaches the room's other /parties clients, not the sender or SDK clients, and closes no one", async () => {
    const room = `parties-custom-${crypto.randomUUID()}`;
    const token = await devToken({ sub: "p", room: `doc/${room}`, role: "editor" });
    const [a, b] = [await openParty("main", room, token), await openParty("main", room, token)];
    const sdk = await openSdkDoc(room, token);
    const stock = await openDoc(room, token);
    a.send('__YPS:{"hello":"from a"}');
    expect(await b.next(isCustom, 0, { failOnClose: true })).toBe('__YPS:{"hello":"from a"}');
    // The sender is still open and answers: a later frame of its own gets its reply.
    a.send(encodeSyncStep1(new Y.Doc()));
    const seen = a.frames.length;
    await a.next(isBinary, seen, { failOnClose: true });
    expect([...a.frames, ...sdk.frames, ...stock.frames].filter(isCustom)).toEqual([]);
    for (const s of [a, b, sdk, stock]) s.close();
  });
});
