import { expect, test } from "@playwright/test";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { E2E_BASE_URL } from "../playwright.config.ts";
import { devToken, eventually, sdkClient } from "./support/service.ts";

// Issue 15 item 2: typed presence interoperates with a stock y-websocket peer. What the SDK's
// presence.set writes is a plain awareness field on the stock side, and the stock peer shows up in
// presence.others() under its token's name, not the name it claims.
test("an SDK client's typed presence and a stock y-websocket peer see each other", async () => {
  const room = `typed-presence-${Date.now()}`;
  const token = await devToken(E2E_BASE_URL, { sub: "stock-1", name: "Stock Peer", room: `doc/${room}`, role: "editor" });
  const stock = new WebsocketProvider(`ws://127.0.0.1:${new URL(E2E_BASE_URL).port}/v1/doc`, room, new Y.Doc(), {
    params: { token },
    WebSocketPolyfill: WebSocket,
    disableBc: true,
  });
  const sdk = sdkClient(E2E_BASE_URL, "sdk-1").doc(room);
  const presence = sdk.presence<{ cursor: number }>((raw) => (Number.isSafeInteger(raw.cursor) ? { cursor: raw.cursor as number } : null));
  let changes = 0;
  presence.on("change", () => changes++);
  try {
    await eventually(() => stock.synced, 10_000, "stock client sync");
    await eventually(() => sdk.status === "synced" || sdk.status === "saved", 10_000, `SDK sync (status ${sdk.status}, ${JSON.stringify(sdk.closeReason)})`);

    presence.set({ cursor: 3 });
    stock.awareness.setLocalState({ user: { name: "Impostor", color: "#00ff00" }, cursor: 7 });

    const sdkOnStock = () => [...stock.awareness.getStates()].find(([id]) => id !== stock.awareness.clientID)?.[1];
    await eventually(() => sdkOnStock()?.cursor === 3, 10_000, "the SDK's cursor on the stock peer");
    expect(sdkOnStock()).toEqual({ cursor: 3, user: { id: "sdk-1", name: "sdk-1" } });

    await eventually(() => presence.others().length === 1, 10_000, "the stock peer in others()");
    expect(presence.others()).toEqual([
      { clientId: stock.awareness.clientID, id: "stock-1", name: "Stock Peer", color: "#00ff00", state: { cursor: 7 } },
    ]);
    expect(changes).toBeGreaterThan(0);
  } finally {
    stock.destroy();
    sdk.destroy();
  }
});
