import { expect, test } from "@playwright/test";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { devToken, eventually, sdkClient, statusLog } from "./support/service.ts";

test("a stock y-websocket client and an SDK client edit one room and converge", async () => {
  const room = `stock-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "stock", room: `doc/${room}`, role: "editor" });
  const stockDoc = new Y.Doc();
  const stock = new WebsocketProvider(`ws://127.0.0.1:${new URL(E2E_BASE_URL).port}/v1/doc`, room, stockDoc, {
    params: { token },
    WebSocketPolyfill: WebSocket,
    disableBc: true,
  });
  const sdk = sdkClient(E2E_BASE_URL, "sdk").doc(room);
  try {
    await eventually(() => stock.synced, 10_000, "stock client sync");
    await sdk.whenStatus("saved");

    stockDoc.getText("t").insert(0, "from stock. ");
    sdk.doc.getText("t").insert(0, "from sdk. ");
    stock.awareness.setLocalStateField("user", { name: "Stock" });
    sdk.awareness.setLocalStateField("user", { name: "Sdk" });

    const text = () => [stockDoc.getText("t").toString(), sdk.doc.getText("t").toString()];
    await eventually(() => text()[0] === text()[1] && text()[0]!.length === "from stock. from sdk. ".length, 10_000, "convergence");
    expect(text()[0]).toContain("from stock. ");
    expect(text()[0]).toContain("from sdk. ");

    const names = (states: Map<number, Record<string, unknown>>) =>
      [...states.values()].map((s) => (s.user as { name?: string } | undefined)?.name).filter(Boolean).sort();
    await eventually(() => names(stock.awareness.getStates()).length === 2, 10_000, "presence on the stock client");
    // The SDK client's name as the room wrote it from its token (which has no name, so its sub).
    expect(names(stock.awareness.getStates())).toEqual(["Stock", "sdk"]);
    await eventually(() => names(sdk.awareness.getStates()).length === 2, 10_000, "presence on the SDK client");
    await sdk.whenStatus("saved");
  } finally {
    stock.destroy();
    sdk.destroy();
  }
});

test("the SDK reports synced, then saved, for its own edits", async () => {
  const provider = sdkClient(E2E_BASE_URL, "status").doc(`status-${Date.now()}`);
  const seen = statusLog(provider);
  try {
    await provider.whenStatus("saved");
    provider.doc.getText("t").insert(0, "x");
    expect(provider.status).toBe("synced");
    await provider.whenStatus("saved");
    expect(seen.slice(0, 2)).toEqual(["connecting", "connected"]);
    expect(seen.slice(-2)).toEqual(["synced", "saved"]);
  } finally {
    provider.destroy();
    provider.destroy(); // idempotent
    expect(provider.status).toBe("closed");
  }
});

test("a script writing 5,000 edits at once stays under the room's rate limit and loses none", async () => {
  const room = `fast-${Date.now()}`;
  const writer = sdkClient(E2E_BASE_URL, "fast-writer").doc(room);
  const reader = sdkClient(E2E_BASE_URL, "fast-reader").doc(room);
  try {
    await Promise.all([writer.whenStatus("saved"), reader.whenStatus("saved")]);
    const seen = statusLog(writer);
    const text = writer.doc.getText("t");
    // One transaction per edit: without coalescing this is 5,000 frames, far past the room's burst of 600 and 600/s.
    for (let i = 0; i < 5000; i++) text.insert(text.length, String(i % 10));
    expect(writer.status).toBe("synced");
    await writer.whenStatus("saved");
    await eventually(() => reader.doc.getText("t").length === 5000, 10_000, "the reader has every edit");
    expect(reader.doc.getText("t").toString()).toBe(text.toString());
    // A 4429 would show as a drop and a reconnect (whose sync would hide the loss of the frames).
    expect(seen).not.toContain("offline");
    expect(writer.closeReason).toBeNull();
  } finally {
    writer.destroy();
    reader.destroy();
  }
});

test("the SDK raises a viewer's refused write as an event", async () => {
  const provider = sdkClient(E2E_BASE_URL, "viewer", "viewer").doc(`view-${Date.now()}`);
  try {
    await provider.whenStatus("saved");
    const refused = new Promise<string>((resolve) => provider.on("refused", resolve));
    provider.doc.getText("t").insert(0, "nope");
    expect(await refused).toBe("read_only");
  } finally {
    provider.destroy();
  }
});

test("the SDK stops for good on a refused token and says why", async () => {
  const client = sdkClient(E2E_BASE_URL, "outsider", "editor", "doc/somewhere-else");
  const provider = client.doc(`private-${Date.now()}`);
  const closed = new Promise((resolve) => provider.on("close", resolve));
  expect(await closed).toEqual({ code: 403, reason: expect.stringContaining("token is for doc/somewhere-else"), error: "room_out_of_scope" });
  expect(provider.status).toBe("closed");
  provider.destroy();
});

test("the SDK stops for good on a fatal close code from the room", async () => {
  const provider = sdkClient(E2E_BASE_URL, "big").doc(`too-big-${Date.now()}`);
  try {
    await provider.whenStatus("saved");
    const closed = new Promise((resolve) => provider.on("close", resolve));
    provider.doc.getText("t").insert(0, "z".repeat(1024 * 1024 + 10));
    expect(await closed).toMatchObject({ code: 4413 });
    expect(provider.status).toBe("closed");
  } finally {
    provider.destroy();
  }
});
