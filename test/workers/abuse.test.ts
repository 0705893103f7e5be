// Abuse: floods, oversized frames, a thousand bad tokens, crafted room ids, and admin routes
// called without authority. In each case the offender gets its documented code or a 4xx with a
// message, leaves no trace, and everyone else in the room keeps being served.
import { env, exports } from "cloudflare:workers";
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { SignJWT } from "jose";
import * as decoding from "lib0/decoding";
import { describe, expect, it, onTestFinished } from "vitest";
import * as Y from "yjs";
import { R2ReplayArchive, replayPrefix } from "../../persistence/index.ts";
import { DocLimits, GameLimits, REPLAY_FORMAT, type ReplayRecord } from "../../protocol/index.ts";
import { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { encodeQueryAwareness, encodeSyncStep1 } from "../../rooms/doc/frames.ts";
import { GameRoom } from "../../rooms/game/GameRoom.ts";
import { ADMIN_ROUTES } from "../../server/admin/routes.ts";
import { inRoom, join, message, send } from "./gameHelpers.ts";
import { BASE, TestSocket, devToken, editFrame, openDoc, openSdkDoc, receiveEarlierFrames, receivedText } from "./helpers.ts";

const editor = (sub: string, scope = "doc/*") => devToken({ sub, room: scope, role: "editor" });
const docText = (roomId: string) => runInDurableObject(env.DocRoom.getByName(roomId), (r: DocRoom) => r.document.getText("t").toString());
const isSaved = (seq: number) => (f: string | Uint8Array): f is string => typeof f === "string" && f === JSON.stringify({ type: "saved", seq });
const isBinary = (f: string | Uint8Array): f is Uint8Array => typeof f !== "string";

async function save(socket: TestSocket, doc: Y.Doc, seq: number, text: string): Promise<void> {
  socket.send(editFrame(doc, (d) => d.getText("t").insert(d.getText("t").length, text)));
  await socket.next(isSaved(seq));
}

/** The HTTP answer to a refused upgrade: its status and error body. */
async function refusal(response: Response) {
  expect(response.webSocket).toBeNull();
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at /); // no stack trace
  return { status: response.status, code: body.error.code };
}

const upgrade = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}${path}`, { headers: { Upgrade: "websocket", ...headers } });

describe("floods", () => {
  it("a flooding document client is closed with 4429 while the others' edits are saved and relayed", async () => {
    const roomId = "flood-doc";
    const steady = await openSdkDoc(roomId, await editor("steady"));
    const reader = await openDoc(roomId, await editor("reader"));
    const flooder = await openSdkDoc(roomId, await editor("flooder"));
    const flooderDoc = new Y.Doc();
    const query = encodeQueryAwareness();
    for (let i = 0; i < DocLimits.MESSAGE_BURST * 2; i++) {
      flooder.send(i % 10 === 0 ? editFrame(flooderDoc, (d) => d.getText("f").insert(0, "x")) : query);
    }
    const doc = new Y.Doc();
    for (let seq = 1; seq <= 20; seq++) await save(steady, doc, seq, `${seq},`);
    expect(await flooder.closed).toMatchObject({ code: 4429, reason: expect.stringContaining("per second") });
    await save(steady, doc, 21, "after");
    await receiveEarlierFrames(reader);
    expect(receivedText(reader), "the steady editor's edits reached the reader").toBe(doc.getText("t").toString());
    expect(await docText(roomId)).toBe(doc.getText("t").toString());
    steady.close();
    reader.close();
  });

  it("a flooding player is answered rate_limited, then closed with 4429, while the other player's inputs are applied", async () => {
    const roomId = "flood-game";
    const flooder = await join("arena", roomId, "flooder");
    const steady = await join("arena", roomId, "steady");
    for (let seq = 1; seq <= GameLimits.MESSAGE_BURST * 10; seq++) send(flooder.socket, seq, { type: "move", dx: 0, dy: 0 });
    for (let seq = 1; seq <= 10; seq++) {
      send(steady.socket, seq, { type: "move", dx: 1, dy: 0 });
      await message(steady.socket, "delta", (m) => m.ack === seq);
    }
    expect(await message(flooder.socket, "error")).toMatchObject({ code: "rate_limited" });
    expect((await flooder.socket.closed).code).toBe(4429);
    send(steady.socket, 11, { type: "move", dx: 0, dy: 1 });
    await message(steady.socket, "delta", (m) => m.ack === 11);
    steady.socket.close();
  });
});

describe("oversized frames", () => {
  it(`a document frame over ${DocLimits.MAX_MESSAGE_BYTES} bytes gets 4413 and the room serves the others`, async () => {
    const roomId = "big-frame";
    const steady = await openSdkDoc(roomId, await editor("steady"));
    const offender = await openSdkDoc(roomId, await editor("big"));
    offender.send(new Uint8Array(DocLimits.MAX_MESSAGE_BYTES + 1));
    expect(await offender.closed).toMatchObject({ code: 4413, reason: expect.stringContaining("bytes") });
    await save(steady, new Y.Doc(), 1, "fine");
    expect(await docText(roomId)).toBe("fine");
    steady.close();
  });

  it(`a game message over ${GameLimits.MAX_INPUT_BYTES} bytes gets 4413 and the room serves the others`, async () => {
    const roomId = "big-input";
    const steady = await join("arena", roomId, "steady");
    const offender = await join("arena", roomId, "big");
    offender.socket.send(JSON.stringify({ type: "input", seq: 1, input: { type: "move", dx: 0, dy: 0, pad: "x".repeat(GameLimits.MAX_INPUT_BYTES) } }));
    expect(await offender.socket.closed).toMatchObject({ code: 4413, reason: expect.stringContaining("bytes") });
    send(steady.socket, 1, { type: "move", dx: 1, dy: 0 });
    await message(steady.socket, "delta", (m) => m.ack === 1);
    steady.socket.close();
  });

  it(`an update growing the document past ${DocLimits.MAX_DOCUMENT_BYTES} bytes gets 4507 and the stored document is unchanged`, async () => {
    const roomId = "too-big";
    const stub = () => env.DocRoom.getByName(roomId);
    const socket = await openSdkDoc(roomId, await editor("ed"));
    // Filled close to the bound in one import, rather than eight 1 MB frames.
    const filler = new Y.Doc();
    filler.getText("t").insert(0, "f".repeat(DocLimits.MAX_DOCUMENT_BYTES - DocLimits.MAX_MESSAGE_BYTES / 2));
    expect(await runInDurableObject(stub(), (r: DocRoom) => r.importDocument(Y.encodeStateAsUpdate(filler)))).toEqual({ ok: true });
    /** The document as storage holds it, decoded afresh (not the room's memory). */
    const stored = () =>
      runInDurableObject(stub(), (_r, state) => {
        const fromStorage = new Y.Doc();
        const rows = (table: string, order: string) =>
          state.storage.sql.exec<{ data: ArrayBuffer }>(`SELECT data FROM ${table} ORDER BY ${order}`).toArray().map((r) => new Uint8Array(r.data));
        const chunks = rows("doc_snapshot_chunk", "idx");
        if (chunks.length > 0) {
          const snapshot = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
          chunks.reduce((offset, c) => (snapshot.set(c, offset), offset + c.byteLength), 0);
          Y.applyUpdate(fromStorage, snapshot);
        }
        for (const update of rows("doc_update_log", "seq")) Y.applyUpdate(fromStorage, update);
        const text = fromStorage.getText("t").toString();
        return { length: text.length, hasG: text.includes("g") };
      });
    const before = await stored();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(filler));
    socket.send(editFrame(doc, (d) => d.getText("t").insert(0, "g".repeat(DocLimits.MAX_MESSAGE_BYTES - 1024))));
    expect(await socket.closed).toMatchObject({ code: 4507, reason: expect.stringContaining("grow past") });
    expect(before).toEqual({ length: DocLimits.MAX_DOCUMENT_BYTES - DocLimits.MAX_MESSAGE_BYTES / 2, hasG: false });
    expect(await stored()).toEqual(before);
  }, 20_000);
});

/**
 * Counts the requests that reach any document or game room, until `stop()`. The rooms run in
 * the test's isolate, so wrapping their prototypes' fetch sees every one.
 */
function countRoomRequests(): { readonly count: number; stop(): void } {
  let count = 0;
  const restores = [DocRoom.prototype, GameRoom.prototype].map((proto) => {
    const original = proto.fetch;
    proto.fetch = function (this: typeof proto, request: Request) {
      count += 1;
      return original.call(this, request);
    };
    return () => void (proto.fetch = original);
  });
  return { get count() { return count; }, stop: () => restores.forEach((restore) => restore()) };
}

describe("a thousand connection attempts with bad tokens", () => {
  it("are each refused with their documented status and code, create no room, and leave the service serving", async () => {
    const signedElsewhere = await new SignJWT({ sub: "mallory", room: "doc/*", role: "editor" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode("not-the-service-secret"));
    const otherRoom = await editor("mallory", "doc/someone-elses-room");
    const otherGame = await devToken({ sub: "mallory", room: "game/arena/someone-elses-room", role: "player" });
    // [query, expected status, expected code], cycled through doc and game rooms.
    const kinds: [string, number, string][] = [
      ["", 401, "missing_token"],
      ["?token=garbage", 401, "malformed_token"],
      ["?token=eyJhbGciOiJIUzI1NiJ9.e30.AAAA", 401, "bad_signature"],
      [`?token=${signedElsewhere}`, 401, "bad_signature"],
      [`?token=${otherRoom}`, 403, "room_out_of_scope"],
      [`?token=${otherGame}`, 403, "room_out_of_scope"],
      [`?token=${"x".repeat(5000)}`, 401, "malformed_token"],
    ];
    const started = Date.now();
    const outcomes = new Map<string, number>();
    const ATTEMPTS = 1000;
    const BATCH = 50;
    const roomRequests = countRoomRequests();
    onTestFinished(() => roomRequests.stop());
    for (let first = 0; first < ATTEMPTS; first += BATCH) {
      await Promise.all(
        Array.from({ length: BATCH }, async (_, j) => {
          const n = first + j;
          const [query, status, code] = kinds[n % kinds.length]!;
          const path = n % 2 === 0 ? `/v1/doc/bad-token-target${query}` : `/v1/game/arena/bad-token-target${query}`;
          const refused = await refusal(await upgrade(path));
          expect(refused, path.slice(0, 80)).toEqual({ status, code });
          outcomes.set(`${status} ${code}`, (outcomes.get(`${status} ${code}`) ?? 0) + 1);
        }),
      );
    }
    const elapsedMs = Date.now() - started;
    console.log(`${ATTEMPTS} bad-token attempts refused in ${elapsedMs} ms (${(elapsedMs / ATTEMPTS).toFixed(2)} ms each): ${JSON.stringify(Object.fromEntries(outcomes))}`);
    // Refused at the edge, with a token check and nothing more: no request reached any room,
    // no Durable Object was created, nothing reached the directory.
    expect(roomRequests.count, "requests that reached a room").toBe(0);
    const isCreated = async (namespace: DurableObjectNamespace, name: string) =>
      (await listDurableObjectIds(namespace)).some((id) => id.equals(namespace.idFromName(name)));
    expect(await isCreated(env.DocRoom, "bad-token-target")).toBe(false);
    expect(await isCreated(env.GameRoom, "arena:bad-token-target")).toBe(false);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM room_directory WHERE room_id = 'bad-token-target'").first<{ n: number }>()).toEqual({ n: 0 });
    const legit = await openSdkDoc("bad-token-target", await editor("ada"));
    await save(legit, new Y.Doc(), 1, "served");
    // The checks above can see a room: a good token's connection is counted and creates one.
    expect(roomRequests.count).toBe(1);
    expect(await isCreated(env.DocRoom, "bad-token-target")).toBe(true);
    legit.close();
  }, 60_000);
});

/** The text a client receives when it syncs from nothing: exactly what the room it reached holds. */
async function syncedText(socket: TestSocket): Promise<string> {
  const seen = socket.frames.length;
  socket.send(encodeSyncStep1(new Y.Doc()));
  const frame = await socket.next((f): f is Uint8Array => isBinary(f) && f[0] === 0 && f[1] === 1, seen);
  const decoder = decoding.createDecoder(frame);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  return doc.getText("t").toString();
}

describe("crafted room ids", () => {
  // Each crafted id, as typed into a URL. The Worker sees it after URL parsing (dot segments
  // resolved) and percent-decoding; ids equal to "victim" after that are the same URL, so they
  // are left out: the question is whether a *different* id can reach victim's storage.
  const CRAFTED = [
    "..", ".", "%2e%2e", "%2E%2E%2Fvictim", "%2F", "%2Fvictim", "x%2F..%2Fvictim", "victim%2F", "victim%2F..",
    "victim%00", "victim%0A", "victim%0D%0A", "victim%09", "victim%20", "%20victim", "victim.", "victim~",
    "Victim", "VICTIM", "v%C4%B1ctim", "victi%CC%81m", "vict%C3%ADm", "%EF%BD%96%EF%BD%89%EF%BD%83%EF%BD%94%EF%BD%89%EF%BD%8D",
    "doc%2Fvictim", "game%2Farena%2Fvictim", "arena%3Avictim", "victim%3Ax", "%252Fvictim", "victim%25", "%", "%ZZ",
    "__proto__", "constructor", "x".repeat(65), "v".repeat(10_000), "victim;x", "victim?", "victim%23x",
  ];

  it("is refused with a 4xx and a message, or reaches a room of its own, never another room's storage", async () => {
    const token = await editor("crafty");
    const victim = await openSdkDoc("victim", token);
    await save(victim, new Y.Doc(), 1, "secret");
    let ownRooms = 0;
    const accepted: string[] = [];
    for (const id of CRAFTED) {
      const response = await upgrade(`/v1/doc/${id}?token=${token}`);
      if (!response.webSocket) {
        const refused = await refusal(response);
        expect(refused.status, id.slice(0, 40)).toBeGreaterThanOrEqual(400);
        expect(refused.status, id.slice(0, 40)).toBeLessThan(500);
        continue;
      }
      const socket = new TestSocket(response.webSocket);
      expect(await syncedText(socket), id).toBe("");
      socket.close();
      ownRooms += 1;
      accepted.push(id);
    }
    console.log(`crafted ids: ${CRAFTED.length - ownRooms} refused, ${ownRooms} reached rooms of their own: ${accepted.join(" ")}`);
    // Whatever was accepted got a room of its own (each synced empty); the victim's document is as it was.
    expect(await docText("victim")).toBe("secret");
    expect(await syncedText(victim)).toBe("secret");
    victim.close();
  });

  it("a token scoped to one room cannot reach another through dot segments or encoded slashes", async () => {
    const scoped = await editor("scoped", "doc/a");
    for (const path of ["/v1/doc/a/../victim", "/v1/doc/a/%2e%2e/victim", "/v1/doc/a%2F..%2Fvictim", "/v1/doc/a%2Fvictim", "/v1/doc/victim"]) {
      const { status } = await refusal(await upgrade(`${path}?token=${scoped}`));
      expect([400, 403, 404], path).toContain(status);
    }
  });

  it("game names and game room ids are checked the same way", async () => {
    const token = await devToken({ sub: "crafty", room: "game/*", role: "player" });
    for (const path of ["Arena/r", "__proto__/r", "constructor/r", "toString/r", "arena%3Ar/r", "arena%2F..%2Fr/r", "arena/r%3Ax", "arena/..%2Fr", "arena/r%00"]) {
      const { status } = await refusal(await upgrade(`/v1/game/${path}?token=${token}`));
      expect([400, 404], path).toContain(status);
    }
  });

  it("replays in R2 and document versions cannot be addressed across rooms", async () => {
    const archive = new R2ReplayArchive(env.ARCHIVE);
    const record = (roomId: string, matchId: string): ReplayRecord => ({
      format: REPLAY_FORMAT,
      header: { game: "tictactoe", version: "1", roomId, matchId, seed: 1, players: ["a"], startedAt: 1, endedAt: 2, finalTick: 1, finalStateHash: "00000000", result: { isOver: true, scores: { a: 1 }, winners: ["a"] } },
      entries: [],
    });
    const mine = crypto.randomUUID();
    const theirs = crypto.randomUUID();
    await archive.put(record("pre", mine));
    await archive.put(record("pre-x", theirs));
    const listed = await (await exports.default.fetch(`${BASE}/v1/replays/tictactoe/pre`)).json<{ matches: { matchId: string }[] }>();
    expect(listed.matches.map((m) => m.matchId)).toEqual([mine]);
    expect((await exports.default.fetch(`${BASE}/v1/replays/tictactoe/pre/${theirs}`)).status).toBe(404);
    for (const path of [`pre%2F..%2Fpre-x/${theirs}`, `pre-x%2F..%2Fpre/${mine}`, `pre/..%2Fpre-x%2F${theirs}`, "pre%2F", "%2E%2E"]) {
      const { status } = await refusal(await exports.default.fetch(`${BASE}/v1/replays/tictactoe/${path}`));
      expect([400, 404], path).toContain(status);
    }
    expect((await env.ARCHIVE.list({ prefix: replayPrefix("tictactoe", "pre") })).objects).toHaveLength(1);
    // Leaderboards in D1 are addressed by board ids from the game registry, never by raw SQL text.
    for (const board of ["tictactoe.wins'--", "tictactoe.wins%20OR%201=1", "tictactoe", "..%2Ftictactoe.wins", "__proto__.wins", "constructor"]) {
      const { status } = await refusal(await exports.default.fetch(`${BASE}/v1/leaderboards/${board}`));
      expect([400, 404], board).toContain(status);
    }

    // A version of one document is not readable through another's route, even with a token for both.
    const token = await editor("versions");
    const other = await openSdkDoc("versioned-other", token);
    await save(other, new Y.Doc(), 1, "private");
    const versionId = await runInDurableObject(env.DocRoom.getByName("versioned-other"), (r: DocRoom) => r.snapshotVersion());
    expect(versionId).not.toBeNull();
    const mineDoc = await openSdkDoc("versioned-mine", token);
    for (const id of [versionId!, `..%2F..%2Fversioned-other%2Fversions%2F${versionId}`, "..%2F..", "%2e%2e"]) {
      const { status } = await refusal(await exports.default.fetch(`${BASE}/v1/doc/versioned-mine/versions/${id}?token=${token}`));
      expect([400, 404], id).toContain(status);
    }
    const scoped = await editor("versions", "doc/versioned-mine");
    expect((await refusal(await exports.default.fetch(`${BASE}/v1/doc/versioned-other/versions?token=${scoped}`))).status).toBe(403);
    other.close();
    mineDoc.close();
  });
});

describe("admin routes without authority", () => {
  it("every admin route refuses no token, a wrong token and a user's token with 401 and a message, and does nothing", async () => {
    const docClient = await openSdkDoc("guarded", await editor("owner"));
    const doc = new Y.Doc();
    await save(docClient, doc, 1, "precious");
    const player = await join("arena", "guarded", "owner");
    const userToken = await devToken({ sub: "owner", room: "*", role: "editor" });
    const credentials: [string, Record<string, string>, string][] = [
      ["no token", {}, ""],
      ["a wrong token", { Authorization: "Bearer test-admin-tokeN" }, ""],
      ["a user's token", { Authorization: `Bearer ${userToken}` }, ""],
      ["a user's token as a query", {}, `?token=${userToken}`],
      ["the admin token as a query", {}, "?token=test-admin-token-of-at-least-32-bytes"],
      ["the admin token without Bearer", { Authorization: "test-admin-token-of-at-least-32-bytes" }, ""],
      ["Basic auth", { Authorization: `Basic ${btoa("admin:test-admin-token-of-at-least-32-bytes")}` }, ""],
    ];
    const bodies: Record<string, BodyInit> = {
      kick: JSON.stringify({ userId: "owner", reason: "pwned" }),
      broadcast: JSON.stringify({ message: "pwned" }),
      lock: JSON.stringify({ locked: true }),
      import: editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "pwned")),
    };
    let tried = 0;
    for (const route of ADMIN_ROUTES) {
      const path = route.path.replace(":roomId", "guarded").replace(":gameName", "arena").replace(":versionId", "000000000000001-00000000");
      const suffix = path.split("/").at(-1)!;
      for (const [what, headers, query] of credentials) {
        const response = await exports.default.fetch(`${BASE}${path}${query}`, { method: route.method.toUpperCase(), headers, body: route.method === "get" ? undefined : (bodies[suffix] ?? "{}") });
        const { status } = await refusal(response);
        expect(status, `${route.method} ${path} with ${what}`).toBe(401);
        tried += 1;
      }
    }
    expect(tried).toBe(ADMIN_ROUTES.length * credentials.length);
    // Nothing happened: nobody kicked or told anything, nothing locked, imported or deleted.
    await save(docClient, doc, 2, " still mine");
    expect(await docText("guarded")).toBe("precious still mine");
    expect(docClient.frames.some((f) => typeof f === "string" && f.includes('"system"'))).toBe(false);
    send(player.socket, 1, { type: "move", dx: 1, dy: 0 });
    await message(player.socket, "delta", (m) => m.ack === 1);
    expect(await inRoom("arena", "guarded", (r) => r.isLocked)).toBe(false);
    expect(player.socket.frames.some((f) => typeof f === "string" && f.includes('"system"'))).toBe(false);
    const inspected = await exports.default.fetch(`${BASE}/v1/admin/rooms/doc/guarded`, { headers: { Authorization: "Bearer test-admin-token-of-at-least-32-bytes" } });
    expect(inspected.status).toBe(200);
    expect(await inspected.json()).toMatchObject({ connections: 1, isLocked: false, document: { json: { t: "precious still mine" } } });
    docClient.close();
    player.socket.close();
  }, 30_000);
});
