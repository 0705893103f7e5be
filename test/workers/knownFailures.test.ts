// Regression tests for ways room servers are known to lose data or leak authority, numbered as
// in the reliability issue. Each names what it guards against.
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import * as decoding from "lib0/decoding";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { SqliteDocStore } from "../../persistence/index.ts";
import { GameLimits, applyPatch, type PatchOp, PROTOCOL_VERSION } from "../../protocol/index.ts";
import { DocRoom } from "../../rooms/doc/DocRoom.ts";
import { encodeAwareness, encodeQueryAwareness } from "../../rooms/doc/frames.ts";
import { GameRoom } from "../../rooms/game/GameRoom.ts";
import { inRoom, join, message, openGame, room, send, token } from "./gameHelpers.ts";
import { BASE, TestSocket, devToken, editFrame, encodeSyncStep1, openDoc, openSdkDoc, receiveEarlierFrames, receivedDoc, receivedText } from "./helpers.ts";
import { YjsMessageType } from "../../protocol/yjsMessages.ts";

/** The awareness states a frame carries, by client id. */
function awarenessIn(frame: Uint8Array): Map<number, string> {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== YjsMessageType.AWARENESS) return new Map();
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const states = new Map<number, string>();
  for (let n = decoding.readVarUint(inner); n > 0; n--) {
    const clientId = decoding.readVarUint(inner);
    decoding.readVarUint(inner);
    states.set(clientId, decoding.readVarString(inner));
  }
  return states;
}

describe("known failure modes", () => {
  it("[8] a read-only user cannot overwrite another user's presence through awareness", async () => {
    const room = `presence-${Date.now()}`;
    const editor = await openDoc(room, await devToken({ sub: "ed", room: `doc/${room}`, role: "editor" }));
    const viewer = await openDoc(room, await devToken({ sub: "vi", room: `doc/${room}`, role: "viewer" }));
    const watcher = await openDoc(room, await devToken({ sub: "wa", room: `doc/${room}`, role: "viewer" }));

    editor.send(encodeAwareness([{ clientId: 111, clock: 1, stateJson: JSON.stringify({ label: "Ed" }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).get(111)?.includes("Ed") === true);

    // The viewer claims the editor's client id with a newer clock, and adds presence of its own.
    viewer.send(encodeAwareness([{ clientId: 111, clock: 9, stateJson: JSON.stringify({ label: "Mallory" }) }]));
    viewer.send(encodeAwareness([{ clientId: 222, clock: 1, stateJson: JSON.stringify({ label: "Vi" }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).has(222));
    const seen = watcher.frames.length;
    watcher.send(encodeQueryAwareness());
    const all = await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).has(111), seen);
    expect(awarenessIn(all).get(111)).toContain("Ed");
    expect(awarenessIn(all).get(222)).toContain("Vi");
    expect(watcher.frames.some((f) => typeof f !== "string" && awarenessIn(f).get(111)?.includes("Mallory"))).toBe(false);
    for (const s of [editor, viewer, watcher]) s.close();
  });

  it("[8] the same user reconnecting takes its presence over from its old connection", async () => {
    const room = `presence-again-${Date.now()}`;
    const token = await devToken({ sub: "ed", room: `doc/${room}`, role: "editor" });
    const first = await openDoc(room, token);
    const watcher = await openDoc(room, await devToken({ sub: "wa", room: `doc/${room}`, role: "viewer" }));
    first.send(encodeAwareness([{ clientId: 333, clock: 1, stateJson: JSON.stringify({ at: 1 }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).get(333)?.includes('"at":1') === true);
    const second = await openDoc(room, token); // the old socket has not closed yet
    second.send(encodeAwareness([{ clientId: 333, clock: 2, stateJson: JSON.stringify({ at: 2 }) }]));
    await watcher.next((f): f is Uint8Array => typeof f !== "string" && awarenessIn(f).get(333)?.includes('"at":2') === true);
    for (const s of [first, second, watcher]) s.close();
  });
});

const editor = (sub: string) => devToken({ sub, room: "doc/*", role: "editor" });
const docRoom = (roomId: string) => env.DocRoom.getByName(roomId);
const docText = (roomId: string) => runInDurableObject(docRoom(roomId), (r: DocRoom) => r.document.getText("t").toString());
const isSaved = (seq: number) => (f: string | Uint8Array): f is string => typeof f === "string" && f === JSON.stringify({ type: "saved", seq });

/** Sends an edit on an SDK connection and waits for the `saved` of that seq. */
async function save(socket: TestSocket, doc: Y.Doc, seq: number, text: string): Promise<void> {
  socket.send(editFrame(doc, (d) => d.getText("t").insert(d.getText("t").length, text)));
  await socket.next(isSaved(seq));
}

/** Fails instead of hanging when an object cannot be evicted (something keeps it alive). */
async function evictWithin(stub: DurableObjectStub, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not evictable within ${ms} ms: something keeps the room alive`)), ms)));
  try {
    await Promise.race([evictDurableObject(stub), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** A game client's view after the frames it received since `from` (a full view, then deltas). */
function viewOf(socket: TestSocket, from: number): unknown {
  let view: unknown = null;
  for (const frame of socket.frames.slice(from)) {
    if (typeof frame !== "string") continue;
    const m = JSON.parse(frame) as { type: string; view?: unknown; patch?: PatchOp[] };
    if (m.type === "full") view = m.view;
    if (m.type === "delta" && view !== null) view = applyPatch(view, m.patch!);
  }
  return view;
}

describe("[1] hibernation", () => {
  it("[1] rooms are declared hibernatable", () => {
    expect(DocRoom.options.hibernate).toBe(true);
    expect(GameRoom.options.hibernate).toBe(true);
  });

  // Fails if hibernation were off: the room would not hold its sockets as hibernatable
  // (getWebSockets() lists only those), and eviction would drop every client.
  it("[1] a document room's sockets survive eviction, and the woken room has its whole state", async () => {
    const roomId = "hibernate-doc";
    const writer = await openSdkDoc(roomId, await editor("ed"));
    const reader = await openSdkDoc(roomId, await devToken({ sub: "vi", room: "doc/*", role: "viewer" }));
    const doc = new Y.Doc();
    await save(writer, doc, 1, "before sleep");
    expect(await runInDurableObject(docRoom(roomId), (_r, state) => state.getWebSockets().length)).toBe(2);

    await evictDurableObject(docRoom(roomId));
    let isClosed = false;
    void writer.closed.then(() => (isClosed = true));
    // Woken by the next frame: the document is whole, identities and roles come back from the sockets.
    await save(writer, doc, 2, ", after");
    expect(await docText(roomId)).toBe("before sleep, after");
    await receiveEarlierFrames(reader);
    expect(receivedText(reader), "the edits reached the other client").toBe("before sleep, after");
    reader.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "vandal")));
    expect(JSON.parse(await reader.control("refused"))).toMatchObject({ reason: "read_only" });
    expect(await runInDurableObject(docRoom(roomId), (r: DocRoom) => r.connectionsInfo().map((c) => [c.user, c.role]).sort())).toEqual([
      ["ed", "editor"],
      ["vi", "viewer"],
    ]);
    expect(isClosed).toBe(false);
    writer.close();
    reader.close();
  });

  it("[1] a game room's sockets, seats and match survive eviction", async () => {
    const roomId = "hibernate-game";
    const x = await join("tictactoe", roomId, "xavier");
    const o = await join("tictactoe", roomId, "olga");
    const watcher = await join("tictactoe", roomId, "wanda", { role: "spectator" });
    send(x.socket, 1, { type: "place", cell: 4 });
    await message(o.socket, "delta", (m) => m.patch.length > 0);
    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    // Only the spectator is connected: the room stops ticking and may hibernate.
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking)).toBe(false);
    expect(await runInDurableObject(room("tictactoe", roomId), (_r, state) => state.getWebSockets().length)).toBe(1);
    await evictDurableObject(room("tictactoe", roomId));

    const back = await join("tictactoe", roomId, "xavier", { resume: x.welcome.resumeToken! });
    expect(back.welcome).toMatchObject({ seat: 0, ack: 1, view: { board: ["", "", "", "", "X", "", "", "", ""], turn: "O" } });
    const seen = watcher.socket.frames.length;
    const olga = await join("tictactoe", roomId, "olga", { resume: o.welcome.resumeToken! });
    send(olga.socket, 1, { type: "place", cell: 0 });
    // The spectator's socket from before the eviction is served by the woken room: a full view
    // first (what it last saw lived in the evicted instance's memory), then deltas.
    await message(olga.socket, "delta", (m) => m.ack === 1);
    await expect.poll(() => (viewOf(watcher.socket, seen) as { board?: string[] } | null)?.board?.[0]).toBe("O");
    for (const s of [back.socket, olga.socket, watcher.socket]) s.close();
  });
});

describe("[3] a failed load never overwrites the stored document", () => {
  const restores: (() => void)[] = [];
  afterEach(() => restores.splice(0).forEach((restore) => restore()));

  /** Every stored row of the document, as hex, to compare before and after. */
  const storedRows = (roomId: string) =>
    runInDurableObject(docRoom(roomId), (_r, state) =>
      ["doc_snapshot_chunk", "doc_update_log"].flatMap((table) =>
        state.storage.sql.exec<{ data: ArrayBuffer }>(`SELECT data FROM ${table}`).toArray().map((row) => `${table}:${[...new Uint8Array(row.data)].map((b) => b.toString(16)).join("")}`),
      ),
    );

  /** A room with a compacted snapshot and a logged update, an SDK client still connected. */
  async function storedDocument(roomId: string): Promise<TestSocket> {
    const first = await openSdkDoc(roomId, await editor("ed"));
    await save(first, new Y.Doc(), 1, "kept");
    first.close();
    await first.closed;
    await expect.poll(async () => (await runInDurableObject(docRoom(roomId), (r: DocRoom) => r.describe())).logUpdates).toBe(0);
    const socket = await openSdkDoc(roomId, await editor("ed"));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await runInDurableObject(docRoom(roomId), (r: DocRoom) => r.exportDocument()));
    await save(socket, doc, 1, " safe");
    return socket;
  }

  /** What a client sees: a socket closed with 4500, or an upgrade refused with a 5xx. */
  async function connectTo(roomId: string): Promise<{ code: number; reason: string }> {
    try {
      const socket = await openDoc(roomId, await editor("late"));
      return await socket.closed;
    } catch (error) {
      return { code: 0, reason: String(error) };
    }
  }

  async function expectRefusedAndIntact(roomId: string, connected: TestSocket, rowsBefore: string[]): Promise<void> {
    // A client connected from before the wake is closed too: its next edit must not be merged
    // into an empty document and written over the stored one.
    connected.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "overwrite?")));
    expect(await connected.closed).toMatchObject({ code: 4500 });
    expect(await connectTo(roomId)).toMatchObject({ code: 4500 });
    // Leaving (the room empties) and an operator's compaction write nothing either.
    expect(await storedRows(roomId)).toEqual(rowsBefore);
  }

  it("[3] a storage read that throws at wake closes clients with 4500 and keeps the stored document", async () => {
    const roomId = "load-throws";
    const socket = await storedDocument(roomId);
    const rowsBefore = await storedRows(roomId);
    const original = SqliteDocStore.prototype.load;
    SqliteDocStore.prototype.load = () => {
      throw new Error("storage read failed");
    };
    restores.push(() => (SqliteDocStore.prototype.load = original));
    await evictDurableObject(docRoom(roomId));
    await expectRefusedAndIntact(roomId, socket, rowsBefore);
    await expect(runInDurableObject(docRoom(roomId), (r: DocRoom) => r.compact())).rejects.toThrow("could not be loaded");
    expect(await storedRows(roomId)).toEqual(rowsBefore);

    // Once storage reads again, the next instance loads the document whole: the failed one drops
    // itself, so the room recovers without anyone evicting it.
    restores.splice(0).forEach((restore) => restore());
    await expect.poll(() => docText(roomId).catch(() => "still the failed instance"), { timeout: 10_000 }).toBe("kept safe");
  });

  it("[3] a stored update that is cut short closes clients with 4500 and is left as it is", async () => {
    const roomId = "load-garbage";
    const socket = await storedDocument(roomId);
    await runInDurableObject(docRoom(roomId), (_r, state) => {
      // Cut short, as a torn write would leave it.
      state.storage.sql.exec("UPDATE doc_update_log SET data = substr(data, 1, length(data) - 4)");
    });
    const rowsBefore = await storedRows(roomId);
    await evictDurableObject(docRoom(roomId));
    await expectRefusedAndIntact(roomId, socket, rowsBefore);
  });
});

it("[3] a game room whose stored match does not parse closes its clients with 4500 and leaves the record as it is", async () => {
  const roomId = "match-garbage";
  // Tic-tac-toe: a turn-based room's sockets are hibernatable, so the watcher's outlives the eviction (GameRoom.options).
  const players = [await join("tictactoe", roomId, "ada"), await join("tictactoe", roomId, "bo")];
  const watcher = await join("tictactoe", roomId, "wanda", { role: "spectator" });
  for (const player of players) player.socket.close();
  await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking)).toBe(false);
  const entries = () => runInDurableObject(room("tictactoe", roomId), (_r, state) => state.storage.sql.exec<{ entry: string }>("SELECT entry FROM game_match_entry ORDER BY id").toArray());
  await runInDurableObject(room("tictactoe", roomId), (_r, state) => void state.storage.sql.exec("UPDATE game_match_entry SET entry = '{\"tick\":' WHERE id = 1"));
  const before = await entries();
  expect(before[0]?.entry).toBe('{"tick":');
  await evictDurableObject(room("tictactoe", roomId));
  watcher.socket.send(JSON.stringify({ type: "ping", t: 1 }));
  expect(await watcher.socket.closed).toMatchObject({ code: 4500 });
  const late = await openGame("tictactoe", roomId, "bob");
  expect(await late.closed).toMatchObject({ code: 4500 });
  expect(await entries()).toEqual(before);
});

describe("[6] seat reservations", () => {
  const seats = (roomId: string) => inRoom("tictactoe", roomId, (r) => r.describe().seats);
  /** Moves the dropped seats' clocks back, as if `ms` had passed since the drop. */
  const age = (roomId: string, ms: number) =>
    runInDurableObject(room("tictactoe", roomId), (_r, state) => void state.storage.sql.exec("UPDATE game_seat SET dropped_at = dropped_at - ? WHERE dropped_at IS NOT NULL", ms));

  async function dropped(roomId: string) {
    const x = await join("tictactoe", roomId, "xavier");
    const o = await join("tictactoe", roomId, "olga");
    send(x.socket, 1, { type: "place", cell: 4 });
    await message(o.socket, "delta", (m) => m.patch.length > 0);
    x.socket.close();
    await x.socket.closed;
    await expect.poll(async () => (await seats(roomId)).find((s) => s.playerId === "xavier")?.droppedAt).not.toBeNull();
    return { x, o };
  }

  it("[6] a seat held for a reconnect inside the window is not given away, even when the alarm runs late in it", async () => {
    const roomId = "seat-kept";
    const { x, o } = await dropped(roomId);
    await age(roomId, GameLimits.SEAT_HOLD_MS - 1_000);
    expect(await runDurableObjectAlarm(room("tictactoe", roomId))).toBe(true);
    expect((await seats(roomId)).map((s) => s.playerId)).toEqual(["xavier", "olga"]);
    const back = await join("tictactoe", roomId, "xavier", { resume: x.welcome.resumeToken! });
    expect(back.welcome).toMatchObject({ seat: 0, ack: 1, view: { seats: { X: "xavier", O: "olga" }, phase: "playing" } });
    // Back in its seat, the player's reservation no longer expires, however late the alarm.
    await age(roomId, GameLimits.SEAT_HOLD_MS * 10);
    await runDurableObjectAlarm(room("tictactoe", roomId));
    expect((await seats(roomId)).map((s) => [s.playerId, s.droppedAt])).toEqual([["xavier", null], ["olga", null]]);
    for (const s of [back.socket, o.socket]) s.close();
  });

  it("[6] a forged or stolen resume token neither takes the seat nor keeps it past the window", async () => {
    const roomId = "seat-forged";
    const { x, o } = await dropped(roomId);
    const droppedAt = (await seats(roomId)).find((s) => s.playerId === "xavier")!.droppedAt;
    // Another user with a made-up token, and with the real one (stolen): the room is full for them.
    for (const resume of ["forged-token-000000000000", x.welcome.resumeToken!]) {
      const mallory = await openGame("tictactoe", roomId, "mallory");
      mallory.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, resume }));
      expect((await mallory.closed).code).toBe(4409);
    }
    // None of it took the seat or restarted the reservation's clock.
    expect((await seats(roomId)).map((s) => [s.playerId, s.droppedAt])).toEqual([["xavier", droppedAt], ["olga", null]]);

    // At the window's end the seat is freed, and a newcomer is seated in it.
    await age(roomId, GameLimits.SEAT_HOLD_MS);
    expect(await runDurableObjectAlarm(room("tictactoe", roomId))).toBe(true);
    expect((await seats(roomId)).map((s) => s.playerId)).toEqual(["olga"]);
    await message(o.socket, "match_over");
    const newcomer = await join("tictactoe", roomId, "nina");
    expect(newcomer.welcome.seat).toBe(0);
    for (const s of [newcomer.socket, o.socket]) s.close();
  });

  it("[6] a second connection of a seated player without the token is refused and does not touch the seat", async () => {
    const roomId = "seat-live";
    const x = await join("tictactoe", roomId, "xavier");
    const o = await join("tictactoe", roomId, "olga");
    const impostor = await openGame("tictactoe", roomId, "xavier");
    impostor.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, resume: "forged-token-000000000000" }));
    expect((await impostor.closed).code).toBe(4409);
    // The refused connection's close does not drop the real one's seat.
    expect((await seats(roomId)).map((s) => [s.playerId, s.droppedAt])).toEqual([["xavier", null], ["olga", null]]);
    send(x.socket, 1, { type: "place", cell: 0 });
    await message(x.socket, "delta", (m) => m.ack === 1);
    for (const s of [x.socket, o.socket]) s.close();
  });
});

describe("[7] empty rooms unload; a join racing the last close is served", () => {
  /** Makes every pending alarm duty due now, runs the alarm until none is set; returns the rounds it took. */
  async function drainAlarms(stub: () => DurableObjectStub): Promise<number> {
    for (let round = 1; round <= 6; round++) {
      await runInDurableObject(stub(), (_r, state) => {
        state.storage.sql.exec("UPDATE directory_state SET last_report_at = 0");
        state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0");
        if (state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'game_seat'").toArray().length > 0) {
          state.storage.sql.exec("UPDATE game_seat SET dropped_at = 0 WHERE dropped_at IS NOT NULL");
        }
      });
      await runDurableObjectAlarm(stub());
      if ((await runInDurableObject(stub(), (_r, state) => state.storage.getAlarm())) === null) return round;
    }
    throw new Error("the empty room keeps setting its alarm");
  }

  it("[7] an empty document room finishes its work, sets no more alarms and can be unloaded", async () => {
    const roomId = "zombie-doc";
    const socket = await openSdkDoc(roomId, await editor("ed"));
    await save(socket, new Y.Doc(), 1, "last words");
    socket.close();
    await socket.closed;
    await drainAlarms(() => docRoom(roomId));
    const after = await runInDurableObject(docRoom(roomId), (r: DocRoom) => r.describe());
    expect(after).toMatchObject({ connections: 0, logUpdates: 0, outbox: { backlog: 0 } });
    expect(await runDurableObjectAlarm(docRoom(roomId))).toBe(false);
    await evictWithin(docRoom(roomId), 5_000);
    expect(await docText(roomId)).toBe("last words");
  });

  it("[7] an empty game room stops ticking, frees its seats, sets no more alarms and can be unloaded", async () => {
    const roomId = "zombie-game";
    const x = await join("tictactoe", roomId, "xavier");
    const o = await join("tictactoe", roomId, "olga");
    for (const { socket } of [x, o]) {
      socket.close();
      await socket.closed;
    }
    await expect.poll(() => inRoom("tictactoe", roomId, (r) => r.isTicking)).toBe(false);
    await drainAlarms(() => room("tictactoe", roomId));
    expect(await inRoom("tictactoe", roomId, (r) => ({ seats: r.describe().seats, backlog: r.describe().outbox.backlog }))).toEqual({ seats: [], backlog: 0 });
    expect(await runDurableObjectAlarm(room("tictactoe", roomId))).toBe(false);
    await evictWithin(room("tictactoe", roomId), 5_000);
  });

  /**
   * Closes the last connection and starts a join in one turn (the token is already in hand), the
   * join first in odd rounds: the room may see either first, or the join while the close is handled.
   */
  function closeAndJoin<T>(round: number, close: () => void, join: () => Promise<T>): Promise<T> {
    if (round % 2 === 0) close();
    const joining = join();
    if (round % 2 === 1) close();
    return joining;
  }

  /** An arena player joining with its token in hand, so the upgrade leaves in the caller's turn. */
  async function joinArena(roomId: string, playerToken: string) {
    const response = await exports.default.fetch(`${BASE}/v1/game/arena/${roomId}?token=${playerToken}`, { headers: { Upgrade: "websocket" } });
    if (!response.webSocket) throw new Error(`refused: ${response.status} ${await response.text()}`);
    const socket = new TestSocket(response.webSocket);
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    return { socket, welcome: await message(socket, "welcome") };
  }

  it("[7] a document client joining while the last one leaves gets the whole document and is saved", async () => {
    const roomId = "race-doc";
    const expected: string[] = [];
    for (let round = 0; round < 5; round++) {
      const leaving = await openSdkDoc(roomId, await editor("ed"));
      const leavingDoc = new Y.Doc();
      Y.applyUpdate(leavingDoc, await runInDurableObject(docRoom(roomId), (r: DocRoom) => r.exportDocument()));
      await save(leaving, leavingDoc, 1, `a${round} `);
      expected.push(`a${round} `);
      const joinToken = await editor("jo");
      const joined = await closeAndJoin(round, () => leaving.close(), () => openSdkDoc(roomId, joinToken));
      // It gets the whole document: synced from nothing, as a new client is.
      joined.send(encodeSyncStep1(new Y.Doc()));
      await receiveEarlierFrames(joined);
      const doc = receivedDoc(joined);
      expect(doc.getText("t").toString(), `round ${round}: what the joining client got`).toBe(expected.join(""));
      await save(joined, doc, 1, `b${round} `);
      expected.push(`b${round} `);
      joined.close();
      await joined.closed;
    }
    await evictDurableObject(docRoom(roomId));
    expect(await docText(roomId)).toBe(expected.join(""));
  });

  it("[7] a player joining while the last one leaves is welcomed and ticked", async () => {
    const roomId = "race-game";
    let last = await join("arena", roomId, "p0");
    for (let round = 1; round <= 5; round++) {
      const playerToken = await token(`p${round}`);
      const next = await closeAndJoin(round, () => last.socket.close(), () => joinArena(roomId, playerToken));
      expect(await inRoom("arena", roomId, (r) => r.isTicking), `round ${round}: ticking once the joined player is welcomed`).toBe(true);
      send(next.socket, 1, { type: "move", dx: 1, dy: 0 });
      await message(next.socket, "delta", (m) => m.ack === 1);
      last = next;
    }
    last.socket.close();
    await last.socket.closed;
    await expect.poll(() => inRoom("arena", roomId, (r) => r.isTicking)).toBe(false);
  });
});
