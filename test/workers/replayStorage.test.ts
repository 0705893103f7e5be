// README, "Replays (R2)": each finished match is stored gzip-compressed under
// replays/{game}/{roomId}/{matchId}.json.gz. Read as R2 holds it, not through the archive.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { playTicTacToeWin } from "./gameHelpers.ts";

describe("a replay in R2", () => {
  it("is stored gzip-compressed under replays/{game}/{roomId}/{matchId}.json.gz", async () => {
    const roomId = `gzip-${Date.now()}`;
    const { over, x, o } = await playTicTacToeWin(roomId, "gz-x", "gz-o");
    for (const { socket } of [x, o]) socket.close();
    const key = `replays/tictactoe/${roomId}/${over.matchId}.json.gz`;
    await expect.poll(async () => (await env.ARCHIVE.head(key)) !== null, { timeout: 15_000, message: `an object at ${key}` }).toBe(true);

    const bytes = new Uint8Array(await (await env.ARCHIVE.get(key))!.arrayBuffer());
    expect([...bytes.subarray(0, 2)], "gzip magic bytes").toEqual([0x1f, 0x8b]);
    const json = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    expect(JSON.parse(json)).toMatchObject({ header: { game: "tictactoe", roomId, matchId: over.matchId, result: over.result } });
  }, 30_000);
});
