// README, "Hooks and webhooks": a receiver that is down gets every event once it is back, signed,
// with duplicates only under the same id. A real `wrangler dev` posts to a real Node HTTP server.
import { expect, test } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E2E_PORT } from "../playwright.config.ts";
import { parseRoomEvent, type RoomEvent, PROTOCOL_VERSION } from "../protocol/index.ts";
import { verifyWebhook } from "../protocol/webhookSignature.ts";
import { devToken, eventually, sdkClient } from "./support/service.ts";
import { killTree, startService } from "./support/wranglerProcess.ts";

/** Beside the suite's own service (E2E_PORT), so a run on another E2E_PORT moves this one too. */
const PORT = E2E_PORT + 1;
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = "e2e-webhook-secret-of-at-least-32-bytes";
const ADMIN_TOKEN = "e2e-admin-token-of-at-least-32-bytes";
/** The receiver answers 500 to this many POSTs before it comes back. */
const FAILED_DELIVERIES = 4;

interface Delivery {
  body: string;
  signature: string | undefined;
  eventId: string | undefined;
  eventType: string | undefined;
  contentType: string | undefined;
  answered: number;
}

/** A webhook receiver that is down (HTTP 500) for its first FAILED_DELIVERIES requests, then up. */
async function startReceiver(): Promise<{ server: Server; url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answered = deliveries.length < FAILED_DELIVERIES ? 500 : 200;
      const header = (name: string) => request.headers[name.toLowerCase()] as string | undefined;
      deliveries.push({
        body: Buffer.concat(chunks).toString("utf8"),
        signature: header("Edgeroom-Signature"),
        eventId: header("Edgeroom-Event-Id"),
        eventType: header("Edgeroom-Event-Type"),
        contentType: header("Content-Type"),
        answered,
      });
      response.writeHead(answered, { "Content-Type": "text/plain" }).end(answered === 200 ? "ok" : "down");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/edgeroom-events`, deliveries };
}

/** A raw game socket that keeps every JSON message, so the test can await one. */
async function gameSocket(roomId: string, sub: string) {
  const token = await devToken(BASE, { sub, room: "game/tictactoe/*", role: "player" });
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/v1/game/tictactoe/${roomId}?token=${token}`);
  const messages: { type: string; [key: string]: unknown }[] = [];
  ws.addEventListener("message", (event) => messages.push(JSON.parse(String(event.data))));
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  const next = async (type: string, where: (m: Record<string, unknown>) => boolean = () => true) => {
    await eventually(() => messages.some((m) => m.type === type && where(m)), 15_000, `a ${type} message for ${sub}`);
    return messages.find((m) => m.type === type && where(m))!;
  };
  ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await next("welcome");
  let seq = 0;
  return {
    next,
    close: () => ws.close(1000, "done"),
    place: async (cell: number) => {
      const sent = ++seq;
      ws.send(JSON.stringify({ type: "input", seq: sent, input: { type: "place", cell } }));
      await next("delta", (m) => m.ack === sent);
    },
  };
}

/** X takes the top row: returns the match's id. */
async function playTicTacToe(roomId: string): Promise<string> {
  const x = await gameSocket(roomId, "webhook-x");
  const o = await gameSocket(roomId, "webhook-o");
  for (const [player, cell] of [[x, 0], [o, 3], [x, 1], [o, 4], [x, 2]] as const) await player.place(cell);
  const over = await o.next("match_over");
  x.close();
  o.close();
  return String(over.matchId);
}

test("a webhook receiver that fails its first deliveries, then recovers, gets every event, signed, duplicates only under one id", async () => {
  test.setTimeout(150_000);
  const receiver = await startReceiver();
  const state = await mkdtemp(join(tmpdir(), "edgeroom-webhooks-"));
  let service: ChildProcess | null = null;
  try {
    service = await startService(PORT, state, { vars: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, ADMIN_TOKEN } });
    const stamp = Date.now();
    const gameRoom = `webhook-game-${stamp}`;
    const docRoom = `webhook-doc-${stamp}`;

    const matchId = await playTicTacToe(gameRoom);
    const writer = sdkClient(BASE, "webhook-writer").doc(docRoom);
    writer.doc.getText("t").insert(0, "a version for the webhook");
    await writer.whenStatus("saved");
    writer.destroy(); // the room empties and records a version
    // The version is recorded (its event in the outbox) before the room is deleted.
    await eventually(() => receiver.deliveries.some((d) => d.eventType === "document.version"), 30_000, "the version's first delivery");
    const deleted = await fetch(`${BASE}/v1/admin/rooms/doc/${docRoom}`, { method: "DELETE", headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(deleted.status).toBe(200);

    const acknowledged = () => new Set(receiver.deliveries.filter((d) => d.answered === 200).map((d) => d.eventType));
    await expect
      .poll(() => [...acknowledged()].sort(), { timeout: 90_000, message: "every event type acknowledged by the receiver" })
      .toEqual(["document.version", "match.ended", "room.deleted"]);

    const failed = receiver.deliveries.filter((d) => d.answered !== 200);
    expect(failed, "the receiver was down for its first deliveries").toHaveLength(FAILED_DELIVERIES);

    // Every request, failed or not: signed over its exact body, headers agree with the body.
    const events = new Map<string, RoomEvent>();
    for (const delivery of receiver.deliveries) {
      const check = await verifyWebhook(delivery.body, delivery.signature, SECRET);
      expect(check, delivery.body).toMatchObject({ ok: true });
      expect((await verifyWebhook(delivery.body, delivery.signature, "not-the-secret-but-32-bytes-long-x")).ok).toBe(false);
      expect(delivery.contentType).toBe("application/json");
      const event = parseRoomEvent(delivery.body);
      expect(event, delivery.body).not.toBeNull();
      expect(delivery.eventId).toBe(event!.id);
      expect(delivery.eventType).toBe(event!.type);
      // A duplicate carries the same id and the same event, never a new id for the same thing.
      const earlier = events.get(event!.id);
      if (earlier) expect(event).toEqual(earlier);
      events.set(event!.id, event!);
    }
    // No event lost: everything that was posted (and refused) came again until it was acknowledged.
    const acknowledgedIds = new Set(receiver.deliveries.filter((d) => d.answered === 200).map((d) => d.eventId));
    for (const delivery of failed) expect(acknowledgedIds, `${delivery.eventType} ${delivery.eventId} redelivered`).toContain(delivery.eventId);
    // One event per thing that happened.
    expect([...events.values()].map((e) => `${e.type} ${e.room}`).sort()).toEqual([
      `document.version doc/${docRoom}`,
      `match.ended game/tictactoe/${gameRoom}`,
      `room.deleted doc/${docRoom}`,
    ]);
    expect(events.get(`match.ended:${matchId}`)?.data).toMatchObject({ matchId, reason: "finished", result: { winners: ["webhook-x"] } });
  } finally {
    if (service) await killTree(service);
    await new Promise((resolve) => receiver.server.close(resolve));
    await rm(state, { recursive: true, force: true });
  }
});
