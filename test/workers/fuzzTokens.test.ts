// Seeded fuzzing of tokens: malformed, expired, not yet valid, wrongly signed, other algorithms,
// wrong room, wrong role, against both sockets and the HTTP routes that take tokens; and forged
// identities sent straight to a room, past the edge.
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../protocol/closeCodes.ts";
import { IDENTITY_HEADER } from "../../protocol/identity.ts";
import { BASE, TestSocket, editFrame, encodeSyncStep1 } from "./helpers.ts";
import { CASES, type Gen, SEED, Tally, checkAnswer, expectServiceServes, fuzzTimeout, generator, leakIn } from "./fuzzKit.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";

/** Public on purpose (server/auth.ts): accepted only while DEV_TOKENS is "on", as in these tests. */
const DEV_SECRET = new TextEncoder().encode("edgeroom-development-tokens-are-not-secret");
const DOC = "fuzz-tok-doc";
const GAME = "fuzz-tok-game";

type Target = { name: string; method: string; path: string; body?: string; isSocket: boolean; kind: "doc" | "game"; isMatch?: boolean };
const TARGETS: Target[] = [
  { name: "doc socket", method: "GET", path: `/v1/doc/${DOC}`, isSocket: true, kind: "doc" },
  { name: "game socket", method: "GET", path: `/v1/game/arena/${GAME}`, isSocket: true, kind: "game" },
  { name: "doc versions", method: "GET", path: `/v1/doc/${DOC}/versions`, isSocket: false, kind: "doc" },
  { name: "match", method: "POST", path: "/v1/match/arena", body: '{"mode":"quick"}', isSocket: false, kind: "game", isMatch: true },
];

/** A room claim and role, and whether it grants each target (the documented 403 otherwise). */
const GRANTS: { room: string; role: string; grants: (t: Target) => boolean }[] = [
  { room: `doc/${DOC}`, role: "editor", grants: (t) => t.kind === "doc" },
  { room: "doc/*", role: "viewer", grants: (t) => t.kind === "doc" },
  { room: "doc/other-room", role: "editor", grants: () => false },
  { room: "game/*", role: "player", grants: (t) => t.kind === "game" },
  { room: "game/arena/*", role: "player", grants: (t) => t.kind === "game" },
  { room: "game/tictactoe/*", role: "player", grants: () => false },
  { room: "game/*", role: "spectator", grants: (t) => t.kind === "game" && !t.isMatch },
  { room: `game/arena/${GAME}`, role: "player", grants: (t) => t.kind === "game" && !t.isMatch },
  { room: "*", role: "editor", grants: (t) => t.kind === "doc" },
  { room: "*", role: "player", grants: (t) => t.kind === "game" },
  { room: `doc/${DOC}`, role: "player", grants: () => false },
  { room: `game/arena/${GAME}`, role: "editor", grants: () => false },
  { room: "*", role: "admin", grants: () => false },
];

const b64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
const now = () => Math.floor(Date.now() / 1000);

async function sign(claims: Record<string, unknown>, alg = "HS256", secret = DEV_SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(secret);
}

/** A token and the status each target must answer with it: 401, 403, or success (0). */
async function tokenCase(g: Gen): Promise<{ variant: string; token: string | null; statusFor: (t: Target) => number }> {
  const grant = g.pick(GRANTS);
  const claims: Record<string, unknown> = { sub: `tok-${g.int(50)}`, room: grant.room, role: grant.role, exp: now() + 600 };
  const granted = (t: Target) => (grant.grants(t) ? 0 : 403);
  const refused = (variant: string, token: string | null) => ({ variant, token, statusFor: () => 401 });
  switch (g.int(16)) {
    case 0:
      return refused("expired", await sign({ ...claims, exp: now() - 1 - g.int(100_000) }));
    case 1:
      return refused("not yet valid", await sign({ ...claims, nbf: now() + 60 + g.int(100_000) }));
    case 2:
      return refused("no exp", await sign({ sub: claims.sub, room: claims.room, role: claims.role }));
    case 3:
      return refused("wrong secret", await sign(claims, "HS256", new TextEncoder().encode(g.pick(["", "x", "edgeroom-development-tokens-are-not-secreT"]) || "k")));
    case 4:
      return refused("alg none", `${b64url(JSON.stringify({ alg: g.pick(["none", "None", "NONE"]), typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`);
    case 5:
      return refused("other alg", await sign(claims, g.pick(["HS384", "HS512"])));
    case 6: {
      // An HS256 signature under a header naming another algorithm.
      const [, payload, signature] = (await sign(claims)).split(".");
      return refused("alg swap", `${b64url(JSON.stringify({ alg: g.pick(["RS256", "ES256", "PS256", "EdDSA", "hs256"]) }))}.${payload}.${signature}`);
    }
    case 7: {
      // Includes a `*` inside a segment (a whole-segment wildcard only) and a lifetime past 24 h.
      const broken = { ...claims, ...g.pick<Record<string, unknown>>([{ sub: "" }, { sub: 5 }, { role: "r".repeat(33) }, { room: "d".repeat(81) }, { room: null }, { room: "doc/fuzz-tok-do*" }, { exp: now() + 24 * 60 * 60 + 60 }, { name: "" }, { sub: "s".repeat(129) }]) };
      return refused("bad claims", await sign(broken));
    }
    case 8: {
      const valid = await sign(claims);
      const segments = valid.split(".");
      const mangled = g.pick([
        () => segments.slice(0, 1 + g.int(2)).join("."),
        () => [...segments, segments[1]].join("."),
        () => segments.map((s) => s.slice(0, g.int(s.length + 1))).join("."),
        () => `${segments[0]}.${segments[1]}!!.${segments[2]}`,
        () => `${segments[0]}.${segments[1]}.${segments[2]!.slice(0, -2)}${g.pick(["AA", "__", "+/"])}`,
        () => Array.from({ length: 1 + g.int(5) }, () => g.text(g.int(30)).replace(/[^\x21-\x7e]/g, "a")).join("."),
        () => "e".repeat(4097 + g.int(10_000)),
        () => `${segments[0]}.${b64url("{not json")}.${segments[2]}`,
      ])();
      return refused("malformed", mangled === valid ? "" : mangled);
    }
    case 9:
      return refused("huge claims", await sign({ ...claims, pad: "p".repeat(4096) }));
    case 10:
      return refused("missing", null);
    default:
      return { variant: `${grant.room} ${grant.role}`, token: await sign(claims), statusFor: granted };
  }
}

function requestFor(g: Gen, target: Target, token: string | null): Request {
  const headers: Record<string, string> = target.isSocket ? { Upgrade: "websocket" } : {};
  let query = "";
  if (token !== null) {
    const where = g.int(3);
    if (where === 0) query = `?token=${encodeURIComponent(token)}`;
    else headers.Authorization = `${g.pick(["Bearer", "bearer", "BEARER"])} ${token}`;
    // Both: the query wins, and the header carries a token that would be refused on its own.
    if (where === 2) query = `?token=${encodeURIComponent(token)}`, (headers.Authorization = "Bearer not.a.token");
  }
  return new Request(`${BASE}${target.path}${query}`, { method: target.method, headers, body: target.body });
}

/** A viewer's socket may not write: its edit is refused with `read_only`. */
async function expectViewerRefused(response: Response): Promise<string | null> {
  const socket = new TestSocket(response.webSocket!);
  socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
  await socket.control("welcome");
  socket.send(editFrame(new Y.Doc(), (d) => d.getText("t").insert(0, "viewer wrote this")));
  const answer = await Promise.race([socket.closed, socket.control("refused")]);
  socket.close();
  return typeof answer === "string" && JSON.parse(answer).reason === "read_only" ? null : `viewer edit not refused: ${JSON.stringify(answer)}`;
}

/** A forged identity header, straight to a room past the edge, and the close it must earn (0: served). */
function forgedIdentity(g: Gen, roomPath: string, roles: string[]): { header: string | null; code: number } {
  const valid = { sub: `forger-${g.int(10)}`, role: g.pick(roles), room: roomPath, exp: Math.floor(Date.now() / 1000) + 600 };
  switch (g.int(6)) {
    case 0:
      return { header: null, code: CloseCode.UNAUTHENTICATED };
    case 1:
      return { header: g.pick(["", "{", "null", "[]", g.text(g.int(50)).replace(/[^\x20-\x7e]/g, "?"), JSON.stringify({ sub: "x" })]), code: CloseCode.UNAUTHENTICATED };
    case 2:
      return { header: JSON.stringify({ ...valid, sub: g.pick(["", 5, null, "s".repeat(129)]) }), code: CloseCode.UNAUTHENTICATED };
    case 3:
      return { header: JSON.stringify({ ...valid, room: g.pick(["doc/other", "game/arena/other", "*", `${roomPath}x`, roomPath.toUpperCase()]) }), code: CloseCode.FORBIDDEN };
    case 4:
      return { header: JSON.stringify({ ...valid, role: g.pick(["admin", "owner", "editor", "player", "spectator", "viewer"].filter((r) => !roles.includes(r))) }), code: CloseCode.FORBIDDEN };
    default:
      return { header: JSON.stringify(valid), code: 0 };
  }
}

describe("fuzzed tokens", () => {
  it(`sockets and token routes answer ${CASES} fuzzed tokens with success only for a token that grants them, else the documented 401 or 403`, { timeout: fuzzTimeout(300) }, async () => {
    const tally = new Tally("tokens");
    for (let n = 0; n < CASES; n++) {
      const g = generator(SEED + n);
      const { variant, token, statusFor } = await tokenCase(g);
      const target = g.pick(TARGETS);
      const expected = statusFor(target);
      const response = await exports.default.fetch(requestFor(g, target, token));
      tally.count(`${target.name} ${response.status}`);
      const isViewerSocket = expected === 0 && target.name === "doc socket" && variant.endsWith(" viewer") && response.status === 101;
      if (isViewerSocket && g.chance(0.5)) {
        tally.count("doc socket viewer edit refused");
        tally.check(n, await expectViewerRefused(response));
        continue;
      }
      const problem = await checkAnswer(response, expected === 0 ? (target.isSocket ? 101 : 200) : expected);
      tally.check(n, problem && `${variant} on ${target.name}: ${problem}`);
    }
    tally.report();
    await expectServiceServes("tokens");
  });

  it(`rooms close ${CASES} sockets that skipped the edge with forged identities with 4401 or 4403, and serve a valid one`, { timeout: fuzzTimeout(300) }, async () => {
    const tally = new Tally("identity at the room");
    for (let n = 0; n < CASES; n++) {
      const g = generator(SEED + n);
      const isGame = g.chance(0.5);
      const roomPath = isGame ? `game/arena/${GAME}-direct` : `doc/${DOC}-direct`;
      const { header, code } = forgedIdentity(g, roomPath, isGame ? ["player", "spectator"] : ["editor", "viewer"]);
      const stub = isGame ? env.GameRoom.getByName(`arena:${GAME}-direct`) : env.DocRoom.getByName(`${DOC}-direct`);
      const headers: Record<string, string> = { Upgrade: "websocket" };
      if (header !== null) headers[IDENTITY_HEADER] = header;
      const response = await stub.fetch(new Request(`${BASE}/v1/${roomPath}`, { headers }));
      if (!response.webSocket) {
        tally.count(response.status);
        tally.check(n, `no socket: ${response.status} ${await response.text()}`);
        continue;
      }
      const socket = new TestSocket(response.webSocket);
      const seen = socket.frames.length;
      if (isGame) socket.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION }));
      else socket.send(encodeSyncStep1(new Y.Doc()));
      const answer = await Promise.race([socket.closed, socket.next((f): f is string | Uint8Array => (isGame ? typeof f === "string" : typeof f !== "string"), seen)]);
      const closed = typeof answer === "object" && "code" in answer ? answer : null;
      tally.count(closed ? closed.code : "served");
      if (closed === null) socket.close();
      if (code === 0 && closed !== null && closed.code !== CloseCode.ROOM_FULL) tally.check(n, `valid identity ${header} closed with ${closed.code}`);
      if (code !== 0) tally.check(n, closed?.code === code ? leakIn(closed.reason) : `identity ${header} earned ${closed ? closed.code : "a served socket"}, not ${code}`);
    }
    tally.report();
    expect(tally.outcomes.served ?? 0).toBeGreaterThan(0);
    await expectServiceServes("identity");
  });
});
