// Defects the fuzz found, each replayed with its exact input.
import { env, exports } from "cloudflare:workers";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/closeCodes.ts";
import { encodeUpdate } from "../../rooms/doc/frames.ts";
import { D1LeaderboardStore } from "../../persistence/d1LeaderboardStore.ts";
import { bumpBoardGeneration } from "../../persistence/leaderboardCache.ts";
import { BASE, devToken, editFrame, openSdkDoc, updateYjsRefusesWhileApplying } from "./helpers.ts";

describe("fuzz regressions", () => {
  it("[fuzz] an update that Yjs refuses only while applying it closes its sender with 4400, and the room keeps serving", async () => {
    // The long fuzz run's case (see updateYjsRefusesWhileApplying): Y.decodeUpdate takes it, Y.applyUpdate throws.
    const bytes = updateYjsRefusesWhileApplying();
    expect(() => Y.decodeUpdate(bytes)).not.toThrow();

    const token = await devToken({ sub: "fuzz-editor", room: "doc/fuzz-regression-empty-range", role: "editor" });
    const bad = await openSdkDoc("fuzz-regression-empty-range", token);
    bad.send(encodeUpdate(bytes));
    expect((await bad.closed).code).toBe(CloseCode.BAD_MESSAGE);

    const good = await openSdkDoc("fuzz-regression-empty-range", token);
    good.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "still served")));
    await good.control("saved");
    good.close();
  });

  it("[fuzz] a leaderboard page whose last player id is not Latin-1 answers 200 with a cursor that pages on", async () => {
    // Player ids are token subjects: any text. btoa() throws on "日本", which made the page a 500.
    const board = "tictactoe.wins";
    const writes = ["日本-player", "zoë", "ascii-player"].map((playerId, n) => ({ board, periodKey: "all", playerId, score: 100 - n, operator: "set" as const, order: "desc" as const }));
    await new D1LeaderboardStore(env.DB).apply("fuzz-regression-unicode-cursor", writes);
    await bumpBoardGeneration(board);

    const first = await exports.default.fetch(`${BASE}/v1/leaderboards/${board}?period=all&limit=1`);
    expect(first.status).toBe(200);
    const page = await first.json<{ entries: { playerId: string }[]; nextCursor: string }>();
    expect(page.entries.map((e) => e.playerId)).toEqual(["日本-player"]);

    const second = await exports.default.fetch(`${BASE}/v1/leaderboards/${board}?period=all&limit=1&cursor=${page.nextCursor}`);
    expect(second.status).toBe(200);
    expect((await second.json<{ entries: { playerId: string }[] }>()).entries.map((e) => e.playerId)).toEqual(["zoë"]);
  });

  it("[fuzz] the cursor after the longest player id a token may carry is one the leaderboard accepts back", async () => {
    // A 128-character subject of 3-byte characters made a cursor of 531 characters, over the 200 the query took.
    const board = "arena.gems";
    const longest = "日".repeat(128);
    const writes = [longest, "after-longest"].map((playerId, n) => ({ board, periodKey: "all", playerId, score: 1e9 - n, operator: "set" as const, order: "desc" as const }));
    await new D1LeaderboardStore(env.DB).apply("fuzz-regression-long-cursor", writes);
    await bumpBoardGeneration(board);

    const page = await (await exports.default.fetch(`${BASE}/v1/leaderboards/${board}?limit=1`)).json<{ entries: { playerId: string }[]; nextCursor: string }>();
    expect(page.entries[0]?.playerId).toBe(longest);
    const next = await exports.default.fetch(`${BASE}/v1/leaderboards/${board}?limit=1&cursor=${page.nextCursor}`);
    expect(next.status).toBe(200);
    expect((await next.json<{ entries: { playerId: string }[] }>()).entries[0]?.playerId).toBe("after-longest");
  });
});
