import { expect, test } from "@playwright/test";
import PartySocket from "partysocket";
import YProvider from "y-partyserver/provider";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { devToken, eventually, sdkClient } from "./support/service.ts";

/** What a PartyKit app passes, Edgeroom's only changes: the host, and a token in `params`. */
const host = new URL(E2E_BASE_URL).host;

test("stock y-websocket, YProvider and the SDK edit one document together", async () => {
  const room = `party-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "party", room: `doc/${room}`, role: "editor" });
  const partyDoc = new Y.Doc();
  // disableBc: these clients share one process, and must meet through the server, not a BroadcastChannel.
  const party = new YProvider(host, room, partyDoc, { params: { token }, disableBc: true });
  const stockDoc = new Y.Doc();
  const stock = new WebsocketProvider(`ws://${host}/v1/doc`, room, stockDoc, { params: { token }, WebSocketPolyfill: WebSocket, disableBc: true });
  const sdk = sdkClient(E2E_BASE_URL, "sdk").doc(room);
  try {
    await eventually(() => party.synced, 10_000, "YProvider sync");
    await eventually(() => stock.synced, 10_000, "stock client sync");
    await sdk.whenStatus("saved");
    partyDoc.getText("t").insert(0, "party. ");
    stockDoc.getText("t").insert(0, "stock. ");
    sdk.doc.getText("t").insert(0, "sdk. ");
    const texts = () => [partyDoc, stockDoc, sdk.doc].map((d) => d.getText("t").toString());
    const length = "party. stock. sdk. ".length;
    await eventually(() => texts().every((t) => t.length === length && t === texts()[0]), 10_000, "convergence");
    for (const part of ["party. ", "stock. ", "sdk. "]) expect(texts()[0]).toContain(part);
    await sdk.whenStatus("saved");
  } finally {
    party.destroy();
    stock.destroy();
    sdk.destroy();
  }
});

test("a YProvider custom message reaches another YProvider and closes no one", async () => {
  const room = `party-msg-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "party", room: `doc/${room}`, role: "editor" });
  const [a, b] = [new YProvider(host, room, new Y.Doc(), { params: { token }, disableBc: true }), new YProvider(host, room, new Y.Doc(), { params: { token }, disableBc: true })];
  const closes: unknown[] = [];
  const received: string[] = [];
  for (const p of [a, b]) p.on("connection-close", (event: CloseEvent) => closes.push(event.code));
  b.on("custom-message", (message: string) => received.push(message));
  try {
    await eventually(() => a.synced && b.synced, 10_000, "both YProviders sync");
    a.sendMessage(JSON.stringify({ hello: "from a" }));
    await eventually(() => received.length === 1, 10_000, "the custom message on the other YProvider");
    expect(JSON.parse(received[0]!)).toEqual({ hello: "from a" });
    // The sender keeps editing over the same socket.
    a.doc.getText("t").insert(0, "still open");
    await eventually(() => b.doc.getText("t").toString() === "still open", 10_000, "an edit after the custom message");
    expect(closes).toEqual([]);
  } finally {
    a.destroy();
    b.destroy();
  }
});

test("partysocket reaches the same room with only host and token", async () => {
  const room = `party-socket-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "party", room: `doc/${room}`, role: "editor" });
  const socket = new PartySocket({ host, room, query: { token }, maxRetries: 0 });
  socket.binaryType = "arraybuffer";
  try {
    // The room opens with a sync step 1: a binary y-protocols frame, type 0.
    const first = await new Promise<Uint8Array>((resolve, reject) => {
      socket.addEventListener("message", (event) => resolve(new Uint8Array(event.data as ArrayBuffer)));
      socket.addEventListener("close", (event) => reject(new Error(`closed ${event.code} ${event.reason}`)));
    });
    expect(first[0]).toBe(0);
  } finally {
    socket.close();
  }
});

test("YProvider, y-websocket and the SDK joining after edits have the whole document when they say synced", async () => {
  // The room answers a fresh client from its last whole-document update and the updates since, the
  // last of them as the sync step 2 (rooms/doc/syncFrames.ts): each client must have applied all of
  // them, deletes included, by the time it says synced.
  const room = `party-fresh-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "party", room: `doc/${room}`, role: "editor" });
  const writer = sdkClient(E2E_BASE_URL, "writer").doc(room);
  const joiners: { destroy(): void }[] = [writer];
  try {
    await writer.whenStatus("saved");
    writer.doc.getText("t").insert(0, "0123456789".repeat(1_000));
    await writer.whenStatus("saved");
    // This joiner's sync makes the whole-document update the later joiners' answers start from.
    const first = new YProvider(host, room, new Y.Doc(), { params: { token }, disableBc: true });
    joiners.push(first);
    await eventually(() => first.synced && first.doc.getText("t").length === 10_000, 10_000, "the first joiner's sync");
    for (let i = 0; i < 12; i++) {
      writer.doc.transact(() => {
        const text = writer.doc.getText("t");
        text.delete(i * 40, 7);
        text.insert(i * 90, `<edit ${i}>`);
      });
      await writer.whenStatus("saved");
    }
    const expected = writer.doc.getText("t").toString();
    expect(await answerFrames(room, token), "frames of a fresh client's answer: the document update and the edits since").toBeGreaterThan(1);
    const atSynced: Record<string, string> = {};
    const party = new YProvider(host, room, new Y.Doc(), { params: { token }, disableBc: true });
    party.on("sync", (synced: boolean) => synced && (atSynced.party ??= party.doc.getText("t").toString()));
    const stockDoc = new Y.Doc();
    const stock = new WebsocketProvider(`ws://${host}/v1/doc`, room, stockDoc, { params: { token }, WebSocketPolyfill: WebSocket, disableBc: true });
    stock.on("sync", (synced: boolean) => synced && (atSynced.stock ??= stockDoc.getText("t").toString()));
    const sdk = sdkClient(E2E_BASE_URL, "sdk").doc(room);
    sdk.on("status", (status) => {
      if (status === "synced" || status === "saved") atSynced.sdk ??= sdk.doc.getText("t").toString();
    });
    joiners.push(party, stock, sdk);
    await eventually(() => Object.keys(atSynced).length === 3, 10_000, "three joiners synced");
    for (const who of ["party", "stock", "sdk"]) expect(atSynced[who] === expected, `${who}'s text when it said synced`).toBe(true);
  } finally {
    for (const joiner of joiners) joiner.destroy();
  }
});

/** How many frames (updates, then the step 2) the room answers a fresh client's sync step 1 with. */
async function answerFrames(room: string, token: string): Promise<number> {
  const socket = new WebSocket(`ws://${host}/v1/doc/${room}?token=${token}`);
  socket.binaryType = "arraybuffer";
  try {
    return await new Promise<number>((resolve, reject) => {
      let frames = 0;
      socket.addEventListener("open", () => socket.send(new Uint8Array([0, 0, 1, 0]))); // sync step 1, empty state vector
      socket.addEventListener("message", (event) => {
        const bytes = new Uint8Array(event.data as ArrayBuffer);
        if (bytes[0] !== 0 || bytes[1] === 0) return; // not a sync frame, or the room's step 1
        frames += 1;
        if (bytes[1] === 1) resolve(frames);
      });
      socket.addEventListener("close", (event) => reject(new Error(`closed ${event.code} ${event.reason}`)));
    });
  } finally {
    socket.close();
  }
}
