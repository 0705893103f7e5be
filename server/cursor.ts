import { z } from "zod";

/** A keyset-paging cursor: the sort key and the tie-breaking id of the last row of a page. */
const Cursor = z.tuple([z.number(), z.string()]);
export type Cursor = z.infer<typeof Cursor>;

export function encodeCursor(cursor: Cursor): string {
  // btoa() takes Latin-1 only, and a cursor holds a player id, which may be any text: encode UTF-8 bytes.
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** The cursor, or null for anything this service did not issue. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const bytes = Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
    const parsed = Cursor.safeParse(JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
