// A viewer's connection is held to DocLimits.VIEWER_MESSAGES_PER_SECOND by the room (close 4429):
// the SDK learns its role from `welcome` and keeps its presence under that bound, however often the
// page moves the cursor.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { DocLimits, PROTOCOL_VERSION } from "../protocol/index.ts";
import { YjsMessageType } from "../protocol/yjsMessages.ts";
import { createClient } from "./index.ts";
import { FakeSocket } from "./test/fakeSocket.ts";
import { refusedByRoomBucket } from "./test/roomBucket.ts";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"] });
  FakeSocket.made = [];
});
afterEach(() => vi.useRealTimers());

async function presenceFramesAt(role: "viewer" | "editor"): Promise<number[]> {
  const client = createClient({ baseUrl: "http://rooms.test", getToken: () => "token", WebSocket: FakeSocket as unknown as typeof WebSocket, fetch: vi.fn() });
  const provider = client.doc("notes-1");
  await vi.advanceTimersByTimeAsync(0);
  const socket = FakeSocket.made.at(-1)!;
  socket.open();
  socket.receive(JSON.stringify({ type: "welcome", protocol: PROTOCOL_VERSION, connectionId: "c1", role }));
  const times: number[] = [];
  const send = socket.send.bind(socket);
  socket.send = (data) => {
    if (typeof data !== "string" && data[0] === YjsMessageType.AWARENESS) times.push(performance.now());
    send(data);
  };
  // A cursor on a 240 Hz display for 20 s.
  for (let i = 0; i < 5_000; i++) {
    provider.awareness.setLocalStateField("cursor", i);
    await vi.advanceTimersByTimeAsync(4);
  }
  await vi.advanceTimersByTimeAsync(1_000);
  provider.destroy();
  return times;
}

it("a viewer's presence stays under the room's viewer bound, and still moves", async () => {
  const times = await presenceFramesAt("viewer");
  expect(refusedByRoomBucket(times, DocLimits.VIEWER_MESSAGE_BURST, DocLimits.VIEWER_MESSAGES_PER_SECOND)).toEqual([]);
  expect(times.length).toBeGreaterThan(DocLimits.VIEWER_MESSAGES_PER_SECOND * 10);
});

it("an editor's presence keeps the editors' budget", async () => {
  const times = await presenceFramesAt("editor");
  // One frame per move (and the removal of its presence at destroy).
  expect(times.length).toBeGreaterThanOrEqual(5_000);
});
