// The routes and the admin API call a room through its stub by method name, on Cloudflare (the
// Durable Object shell's RPC methods) and on Node (the namespace stub forwards to the Node twin). The
// two adapters declare that surface separately, so this test holds them to the same names.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);

/** Public members a class body declares at two-space indent: methods and getters, not `#private` or lifecycle hooks. */
export function publicMembers(source: string, ignore: readonly string[] = []): string[] {
  const names = [...source.matchAll(/^ {2}(?:async\s+)?(?:get\s+)?([a-zA-Z]\w*)\s*\(/gm)].map((match) => match[1]!);
  return [...new Set(names)].filter((name) => name !== "constructor" && !ignore.includes(name)).sort();
}

const read = (path: string) => readFileSync(new URL(path, root), "utf8");
/** The Durable Object's own hooks (partyserver's) and the Node twin's socket entry points: each adapter's wiring, not RPC. */
const WIRING = ["onStart", "onConnect", "onMessage", "onClose", "onError", "onAlarm", "connect", "message", "close", "alarm"];

describe("the Node twins answer every RPC method the Durable Object shells do", () => {
  it("sees methods and getters, not private members or constructors", () => {
    const source = "class A {\n  constructor() {}\n  get isLocked() { return 1; }\n  kick(a: string) {}\n  async purge() {}\n  #hidden() {}\n    nested() {}\n}";
    expect(publicMembers(source)).toEqual(["isLocked", "kick", "purge"]);
  });

  for (const [shell, twin] of [
    ["rooms/doc/DocRoom.ts", "server/node/docRoom.ts"],
    ["rooms/game/GameRoom.ts", "server/node/gameRoom.ts"],
  ] as const) {
    it(`${twin} matches ${shell}`, () => {
      const expected = publicMembers(read(shell), WIRING);
      expect(expected.length).toBeGreaterThan(8);
      // `document` hands the live Y.Doc to in-workerd tests only; no route calls it.
      expect(publicMembers(read(twin), WIRING)).toEqual(expected.filter((name) => name !== "document"));
    });
  }
});
