import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { arena } from "../../games/arena.ts";
import { addReservationSub, type Matchmaker } from "../../rooms/game/Matchmaker.ts";
import { MATCHMAKER_MIGRATIONS } from "../../rooms/game/matchmakerSchema.ts";
import { migrate } from "../../persistence/migrate.ts";
import { message, openGame } from "./gameHelpers.ts";
import { BASE, devToken } from "./helpers.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

async function match(body: unknown, token?: string) {
  const auth = token ?? (await devToken({ sub: "mm", room: "game/*", role: "player" }));
  return exports.default.fetch(`${BASE}/v1/match/arena`, {
    method: "POST",
    headers: { Authorization: `Bearer ${auth}` },
    body: JSON.stringify(body),
  });
}

/** A player's quick join to tic-tac-toe in `region`: the room the matchmaker answers. */
async function quickTicTacToe(sub: string, region: string): Promise<string> {
  const token = await devToken({ sub, room: "game/tictactoe/*", role: "player" });
  const response = await exports.default.fetch(`${BASE}/v1/match/tictactoe`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify({ mode: "quick", region }),
  });
  return (await response.json<{ roomId: string }>()).roomId;
}

describe("matchmaking", () => {
  it("50 simultaneous quick joins fill rooms exactly to maxPlayers, none overfilled", async () => {
    const token = await devToken({ sub: "crowd", room: "game/arena/*", role: "player" });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => match({ mode: "quick", region: "weur" }, token).then((r) => r.json<{ roomId: string; region: string }>())),
    );
    const perRoom = new Map<string, number>();
    for (const { roomId, region } of answers) {
      expect(region).toBe("weur");
      perRoom.set(roomId, (perRoom.get(roomId) ?? 0) + 1);
    }
    const counts = [...perRoom.values()].sort((a, b) => b - a);
    const full = Math.floor(50 / arena.maxPlayers);
    expect(counts).toEqual([...Array<number>(full).fill(arena.maxPlayers), 50 % arena.maxPlayers]);
  });

  it("a quick join after the first player has sat down gets that room's free seat: a 2-seat game pairs two players within RESERVATION_MS", async () => {
    const quick = (sub: string) => quickTicTacToe(sub, "me");
    const first = await quick("pair-first");
    // As the SDK joins a matched room: in the region the matchmaker answered for, so the room reports there.
    const socket = await openGame("tictactoe", first, "pair-first", "player", "&region=me");
    socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await message(socket, "welcome");
    // The room's report (fire-and-forget) has reached the matchmaker: its own count says one seat is taken.
    const matchmaker = env.Matchmaker.getByName("tictactoe:me");
    const reported = () =>
      runInDurableObject(matchmaker, (_mm: Matchmaker, state) => state.storage.sql.exec<{ taken: number }>("SELECT taken FROM mm_room WHERE room_id = ?", first).one().taken);
    for (let i = 0; i < 100 && (await reported()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await reported()).toBe(1);

    // The seated player's reservation is used up: the second player pairs with them, not in a room of their own.
    expect(await quick("pair-second")).toBe(first);
    // And the room is full now, seat and reservation: a third player gets a new room.
    expect(await quick("pair-third")).not.toBe(first);
    socket.close();
  });

  it("sends no quick join to a room whose every taken seat is held for a player who dropped, and fills it again once they are back", async () => {
    const quick = (sub: string) => quickTicTacToe(sub, "sam");
    const sit = async (roomId: string, resume?: string) => {
      const socket = await openGame("tictactoe", roomId, "held-ann", "player", "&region=sam");
      socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, resume }));
      return { socket, welcome: await message(socket, "welcome") };
    };
    const matchmaker = env.Matchmaker.getByName("tictactoe:sam");
    const reported = (roomId: string) =>
      runInDurableObject(matchmaker, (_mm: Matchmaker, state) =>
        state.storage.sql.exec<{ taken: number; held: number }>("SELECT taken, held FROM mm_room WHERE room_id = ?", roomId).toArray()[0] ?? null,
      );
    const annRoom = await quick("held-ann");
    const ann = await sit(annRoom);
    await vi.waitFor(async () => expect(await reported(annRoom)).toEqual({ taken: 1, held: 0 }), { timeout: 5_000, interval: 20 });

    // Ann's connection drops (a closed tab, a lost network): her seat is held for her, and the room says so.
    ann.socket.close();
    await vi.waitFor(async () => expect(await reported(annRoom)).toEqual({ taken: 1, held: 1 }), { timeout: 5_000, interval: 20 });
    // Bob is not sent to wait opposite an empty chair, nor is the room offered in the lobby.
    const bobRoom = await quick("held-bob");
    expect(bobRoom).not.toBe(annRoom);
    const lobby = await (await exports.default.fetch(`${BASE}/v1/match/tictactoe/open?region=sam`)).json<{ rooms: { roomId: string }[] }>();
    expect(lobby.rooms.map((r) => r.roomId)).not.toContain(annRoom);

    // Ann is back on her seat: her room is attended again, and takes the next quick join (the older of two rooms with one taken).
    const back = await sit(annRoom, ann.welcome.resumeToken ?? undefined);
    expect(back.welcome.seat).toBe(ann.welcome.seat);
    await vi.waitFor(async () => expect(await reported(annRoom)).toEqual({ taken: 1, held: 0 }), { timeout: 5_000, interval: 20 });
    expect(await quick("held-cy")).toBe(annRoom);
    back.socket.leave();
  });

  it("a quick join abandoned before its hello gives its reservation back, so the next two players pair", async () => {
    const quick = (sub: string) => quickTicTacToe(sub, "eeur");
    const matchmaker = env.Matchmaker.getByName("tictactoe:eeur");
    const reservations = (roomId: string) =>
      runInDurableObject(matchmaker, (_mm: Matchmaker, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM mm_reservation WHERE room_id = ?", roomId).one().n,
      );
    const abandoned = await quick("walk-away");
    // The player's socket reaches the room and closes before any hello (a closed tab, an aborted join).
    const gone = await openGame("tictactoe", abandoned, "walk-away", "player", "&region=eeur");
    gone.close();
    await vi.waitFor(async () => expect(await reservations(abandoned)).toBe(0), { timeout: 5_000, interval: 20 });

    // Left to expire (RESERVATION_MS), it counted as a player on the way: the next player sat there to wait for
    // nobody, and the one after, the room looking full, went elsewhere.
    const first = await quick("walk-first");
    const sitting = await openGame("tictactoe", first, "walk-first", "player", "&region=eeur");
    sitting.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
    await message(sitting, "welcome");
    expect(await quick("walk-second")).toBe(first);
    sitting.leave();
  });

  it("a room reported empty while a player is on the way to it keeps their reservation, so the next quick join pairs with them", async () => {
    const stub = env.Matchmaker.getByName("tictactoe:empty-report");
    const room = await stub.quick(2, "ann");
    // The room's report from before Ann sat (its last player had left): 0 taken.
    await stub.report(room, 0, 2);
    expect(await stub.quick(2, "bob")).toBe(room);
    // Ann and Bob sat and left before the room's next report, which names them: their reservations are used
    // up, nobody is on the way, and the empty room is forgotten.
    await stub.report(room, 0, 2, ["ann", "bob"]);
    expect(await stub.quick(2, "cy")).not.toBe(room);
  });

  it("a matchmaker whose reservations table predates `sub` gets the column, keeping its rows", async () => {
    const stub = env.Matchmaker.getByName("old-schema:any");
    const columns = await runInDurableObject(stub, (_mm: Matchmaker, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE mm_reservation");
      sql.exec("CREATE TABLE mm_reservation (id INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL, expires_at INTEGER NOT NULL)");
      sql.exec("INSERT INTO mm_reservation (room_id, expires_at) VALUES ('q-old', ?)", Date.now() + 60_000);
      addReservationSub(sql);
      addReservationSub(sql); // a second start changes nothing
      return sql.exec<{ name: string }>("PRAGMA table_info(mm_reservation)").toArray().map((c) => c.name);
    });
    expect(columns).toEqual(["id", "room_id", "expires_at", "sub"]);
    await stub.report("q-old", 1, 2, ["someone"]); // an old row (sub NULL) is not anyone's seat
    const left = await runInDurableObject(stub, (_mm: Matchmaker, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM mm_reservation").one().n);
    expect(left).toBe(1);
  });

  it("a matchmaker whose rooms table predates `held` gets the column when it starts, keeping its rows, and older code still opens it", async () => {
    const stub = env.Matchmaker.getByName("old-rooms:any");
    await runInDurableObject(stub, (_mm: Matchmaker, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE mm_room");
      sql.exec("CREATE TABLE mm_room (room_id TEXT PRIMARY KEY, is_private INTEGER NOT NULL, taken INTEGER NOT NULL, max_players INTEGER NOT NULL, created_at INTEGER NOT NULL)");
      sql.exec("INSERT INTO mm_room (room_id, is_private, taken, max_players, created_at) VALUES ('q-old', 0, 1, 2, ?)", Date.now());
    });
    await evictDurableObject(stub);
    // Its room still takes the next quick join (one taken of two, nobody held), and reports carry `held` again.
    expect(await stub.quick(2, "after-upgrade")).toBe("q-old");
    await stub.report("q-old", 2, 2, ["after-upgrade"], 1);
    const room = await runInDurableObject(stub, (_mm: Matchmaker, state) => {
      // What the code from before `held` runs at start (its one step) still opens this database: a rolled-back
      // deploy keeps matchmaking (a migration step would make that code refuse it).
      migrate(state.storage.sql, "matchmaker", MATCHMAKER_MIGRATIONS.slice(0, 1));
      return state.storage.sql.exec("SELECT taken, held FROM mm_room WHERE room_id = 'q-old'").one();
    });
    expect(room).toEqual({ taken: 2, held: 1 });
  });

  it("creates a private room that quick joins do not fill", async () => {
    const created = await (await match({ mode: "private", region: "apac" })).json<{ roomId: string; joinCode: string }>();
    expect(created.roomId).toMatch(/^p-/);
    expect(created.joinCode).toBe(created.roomId);
    const quick = await (await match({ mode: "quick", region: "apac" })).json<{ roomId: string }>();
    expect(quick.roomId).not.toBe(created.roomId);
  });

  it("lists open rooms for a lobby", async () => {
    const quick = await (await match({ mode: "quick", region: "oc" })).json<{ roomId: string }>();
    const response = await exports.default.fetch(`${BASE}/v1/match/arena/open?region=oc`);
    const body = await response.json<{ rooms: { roomId: string; taken: number; maxPlayers: number }[] }>();
    expect(body.rooms).toContainEqual({ roomId: quick.roomId, taken: 1, maxPlayers: arena.maxPlayers });
  });

  it("refuses a bad body with a 400 and an unknown game with a 404", async () => {
    expect((await match({ mode: "ranked" })).status).toBe(400);
    const unknown = await exports.default.fetch(`${BASE}/v1/match/chess`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
  });

  it("refuses a missing token with 401 and a spectator with 403", async () => {
    const anonymous = await exports.default.fetch(`${BASE}/v1/match/arena`, { method: "POST", body: JSON.stringify({ mode: "quick" }) });
    expect(anonymous.status).toBe(401);
    const spectator = await devToken({ sub: "s", room: "game/*", role: "spectator" });
    expect((await match({ mode: "quick" }, spectator)).status).toBe(403);
  });
});
