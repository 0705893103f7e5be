import { z } from "zod";
import { DocRole } from "./rooms.ts";

/**
 * Control messages travel as JSON in text frames; Yjs traffic stays y-protocols binary,
 * so stock Yjs clients never see a control message. A room sends control messages only
 * to a connection that opened with `hello`.
 */
export const ClientControl = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), protocol: z.number().int().nonnegative() }),
]);
export type ClientControl = z.infer<typeof ClientControl>;

export const ServerControl = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    protocol: z.number().int(),
    connectionId: z.string(),
    role: DocRole,
  }),
  /** Every update frame this connection sent, up to and including the `seq`-th, is durable. */
  z.object({ type: z.literal("saved"), seq: z.number().int().nonnegative() }),
  /** An update frame was not applied; the room keeps serving the connection. */
  z.object({ type: z.literal("refused"), seq: z.number().int().nonnegative(), reason: z.enum(["read_only", "locked"]) }),
  /** A message from the operators, to show the user. */
  z.object({ type: z.literal("system"), message: z.string() }),
]);
export type ServerControl = z.infer<typeof ServerControl>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a JSON message through its schema; every decoder of the wire protocol goes through here. */
export function parseJsonMessage<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  return checkJsonMessage(schema, raw);
}

/** parseJsonMessage's check of a message already parsed from JSON: the same verdict and error. */
export function checkJsonMessage<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  return { ok: true, value: parsed.data };
}

export const decodeClientControl = (text: string) => parseJsonMessage(ClientControl, text);
export const decodeServerControl = (text: string) => parseJsonMessage(ServerControl, text);
export const encodeClientControl = (message: ClientControl): string => JSON.stringify(message);
export const encodeServerControl = (message: ServerControl): string => JSON.stringify(message);
