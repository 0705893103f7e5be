import { describe, expect, it } from "vitest";
import { utf8Length } from "./inputGate.ts";

describe("utf8Length", () => {
  it("counts what TextEncoder makes of ASCII, two- and three-byte text, surrogate pairs and lone surrogates", () => {
    for (const text of ["", '{"type":"input","seq":1}', "é", "€uro", "😀", "a\ud800b", "\udc00", "\ud83d", "x😀é€\ud800"]) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).byteLength);
    }
  });
});
