import { describe, expect, it } from "vitest";
import { parseJsonMessage } from "./control.ts";
import { ClientGameMessage, decodeClientGameMessage } from "./gameMessages.ts";

/** Values that sit near the hand-written input check's edges, and some far from it. */
const SEQS: unknown[] = [1, 2, 0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300, "1", null, true, [], {}];
const INPUTS: unknown[] = [{ type: "move", dx: 1, dy: 0 }, null, 0, "x", [1, 2], { a: { b: [] } }];

function texts(): string[] {
  const out = ["", "{", "null", "[]", "7", '"input"', "{}", '{"type":"input"}', '{"type":"input","seq":1}'];
  for (const seq of SEQS) {
    for (const input of INPUTS) {
      out.push(JSON.stringify({ type: "input", seq, input }));
      out.push(JSON.stringify({ input, seq, type: "input", extra: 1 }));
      out.push(JSON.stringify({ type: "INPUT", seq, input }));
    }
    out.push(JSON.stringify({ type: "input", seq }));
    out.push(JSON.stringify([{ type: "input", seq, input: 1 }]));
  }
  out.push('{"type":"input","seq":3,"input":1,"__proto__":{"type":"x"}}');
  out.push(JSON.stringify({ type: "hello", protocol: 1, wire: "binary" }), JSON.stringify({ type: "ping", t: 5 }), JSON.stringify({ type: "probe" }));
  return out;
}

describe("decodeClientGameMessage", () => {
  it("gives the schema's verdict, value and error for every message, inputs checked by hand included", () => {
    const all = texts();
    for (const text of all) expect(decodeClientGameMessage(text), text).toEqual(parseJsonMessage(ClientGameMessage, text));
    // The sample holds both verdicts for inputs, so the hand check is held to both.
    const verdicts = all.filter((t) => t.includes('"input"')).map((t) => decodeClientGameMessage(t).ok);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });
});
