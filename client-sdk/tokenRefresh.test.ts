// README: the SDK "fetches a fresh token on every reconnect". Each socket the client opens must
// carry a token from its own getToken call, never one kept from an earlier attempt.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClient } from "./index.ts";
import { FakeSocket } from "./test/fakeSocket.ts";

/** A client whose getToken hands out token-1, token-2, ... one per call. */
function makeClient(fetch: typeof globalThis.fetch = vi.fn()) {
  let issued = 0;
  const getToken = vi.fn(() => `token-${++issued}`);
  const client = createClient({
    baseUrl: "http://rooms.test",
    getToken,
    reconnect: { minDelayMs: 100, maxDelayMs: 200, jitterMs: 100 },
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch,
  });
  return { client, getToken };
}

/** Lets the pending getToken promise settle and the reconnect delay pass. */
const nextAttempt = () => vi.advanceTimersByTimeAsync(300);

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
});
afterEach(() => vi.useRealTimers());

describe("a fresh token on every reconnect", () => {
  it.each([
    ["a document", (c: ReturnType<typeof makeClient>["client"]) => c.doc("notes-1")],
    ["a game", (c: ReturnType<typeof makeClient>["client"]) => c.game("tictactoe", "t-1")],
  ])("%s connection asks getToken again after each drop", async (_kind, connect) => {
    const { client, getToken } = makeClient();
    const connection = connect(client);
    for (let drop = 0; drop < 3; drop++) {
      await nextAttempt();
      FakeSocket.made.at(-1)!.open();
      FakeSocket.made.at(-1)!.drop(1006);
    }
    await nextAttempt();
    expect(FakeSocket.made.map((s) => s.token)).toEqual(["token-1", "token-2", "token-3", "token-4"]);
    expect(getToken).toHaveBeenCalledTimes(4);
    connection.destroy();
  });

  it("a connection refused for an expired token comes back with a new one", async () => {
    const expired = vi.fn(async () =>
      Response.json({ error: { code: "token_expired", message: "token expired" } }, { status: 401 }),
    );
    const { client } = makeClient(expired as unknown as typeof fetch);
    const provider = client.doc("notes-2");
    await nextAttempt();
    FakeSocket.made[0]!.refuse();
    await nextAttempt();
    expect(expired).toHaveBeenCalledWith(
      expect.not.stringContaining("token="),
      expect.objectContaining({ headers: { Authorization: "Bearer token-1" } }),
    );
    expect(FakeSocket.made.map((s) => s.token)).toEqual(["token-1", "token-2"]);
    expect(provider.status).not.toBe("closed");
    provider.destroy();
  });
});
