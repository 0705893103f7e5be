/**
 * What a webhook receiver needs, as the package entry `edgeroom/webhook`: check the signature over the raw
 * body, then parse the event. WebCrypto and zod only, so it runs in Node 20+, Bun, Deno and Workers.
 *
 * @example
 * const check = await verifyWebhook(rawBody, request.headers.get("Edgeroom-Signature"), secret);
 * if (check.ok) handle(parseRoomEvent(rawBody));
 */
export {
  verifyWebhook,
  signWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_TOLERANCE_SECONDS,
  type VerifyWebhookOptions,
  type WebhookRefusal,
  type WebhookVerification,
} from "./webhookSignature.ts";
export {
  parseRoomEvent,
  RoomEventSchema,
  MatchEndedData,
  DocumentVersionData,
  RoomDeletedData,
  type RoomEvent,
  type RoomEventType,
  type RoomEventData,
} from "./events.ts";
