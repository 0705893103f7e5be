import { z } from "zod";

/** A keyset-paging cursor: the sort key and the tie-breaking id of the last row of a page. */
const Cursor = z.tuple([z.number(), z.string()]);
export type Cursor = z.infer<typeof Cursor>;

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** The cursor, or null for anything this service did not issue. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const parsed = Cursor.safeParse(JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/"))));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
