// Copied by scripts/check-starter.mjs into the starter it installed outside the repo, and run there
// with that project's own Node 22: every import below resolves to what npm installed from the
// tarballs (@edgeroom/client, yjs) or from the registry (y-websocket), never to this repo.
//   node drive.mjs play <baseUrl>  two guests get tokens from the starter's /api/token, find one room
//                                  through matchmaking and play its game to the end; a stock
//                                  y-websocket client writes a document. Prints one JSON line.
//   node drive.mjs read <baseUrl> <room> <text>  a fresh reader (the SDK) must find that text.
import assert from "node:assert/strict";
import { createClient } from "@edgeroom/client";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

const [mode, base, docRoom, expectedText] = process.argv.slice(2);
/** Any one wait here, in ms: a game of three rounds takes about 10 s. */
const WAIT_MS = 45_000;

/** Resolves when `check()` holds, polling; fails with `what` after WAIT_MS. */
async function eventually(check, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A guest as the page is one: a cookie the token route sets on the first call, sent on every later one. */
function guest(name) {
  let cookie = null;
  const tokenFor = async (request) => {
    const response = await fetch(new URL("/api/token", base), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify({ ...request, name }),
    });
    const body = await response.json();
    assert.equal(response.status, 200, `/api/token answered ${response.status}: ${JSON.stringify(body)}`);
    const set = response.headers.get("Set-Cookie");
    if (cookie === null) {
      assert.ok(set, "the token route sets a guest cookie on the first call");
      cookie = set.split(";")[0];
    } else {
      assert.equal(set, null, "a guest with a cookie keeps it");
    }
    return body;
  };
  return { tokenFor, client: createClient({ baseUrl: base, getToken: async (request) => (await tokenFor(request)).token }) };
}

async function play() {
  const ann = guest("Ann");
  const bob = guest("Bob");
  // As the page does: one socket each (client.quickJoin), resolved once seated. Bob looks for a match once
  // Ann sits in her room, as a second window a few seconds later would.
  const a = await ann.client.quickJoin("reaction");
  const b = await bob.client.quickJoin("reaction");
  assert.equal(b.roomId, a.roomId, "quick matchmaking seats the second player in the first one's room, where Ann already sits");
  const over = new Promise((resolve) => a.on("event", (event) => event.type === "match_over" && resolve(event)));
  // Ann clicks once on every green light; Bob never clicks. The first view may already be green.
  let clickedRound = 0;
  const react = (view) => {
    if (view?.phase === "go" && view.round !== clickedRound) {
      clickedRound = view.round;
      a.send({ type: "click" });
    }
  };
  a.on("state", react);
  react(a.view);
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("the match did not end")), WAIT_MS));
  const ended = await Promise.race([over, timeout]);
  assert.equal(ended.reason, "finished");
  assert.deepEqual(ended.result.winners, [a.playerId], "Ann, who reacted to every green light, wins");
  const annSub = a.playerId;
  a.destroy();
  b.destroy();

  // The board is fed from D1 through the room's outbox: the package's migrations were applied.
  await eventually(async () => {
    const page = await (await fetch(new URL("/v1/leaderboards/reaction.wins", base))).json();
    return page.entries?.some((entry) => entry.playerId === annSub && entry.score === 1);
  }, "Ann's win on the reaction.wins leaderboard");

  // A stock y-websocket client, as README's "Any Yjs editor binding works" shows it.
  const room = `starter-check-${Date.now()}`;
  const text = "written by a stock y-websocket client";
  const { token } = await ann.tokenFor({ kind: "doc", roomId: room });
  const socketBase = `${base.replace(/^http/, "ws")}/v1/doc`;
  const writer = new WebsocketProvider(socketBase, room, new Y.Doc(), { params: { token }, disableBc: true });
  await eventually(() => writer.synced, "the stock writer to sync");
  writer.doc.getText("notes").insert(0, text);
  // A second live client sees it: the room has it (it writes every update to its SQLite as it applies it).
  const { token: readerToken } = await bob.tokenFor({ kind: "doc", roomId: room });
  const reader = new WebsocketProvider(socketBase, room, new Y.Doc(), { params: { token: readerToken }, disableBc: true });
  await eventually(() => reader.doc.getText("notes").toString() === text, "a second stock client to receive the text");
  writer.destroy();
  reader.destroy();
  console.log(JSON.stringify({ matchId: ended.matchId, roomId: a.roomId, winner: annSub, docRoom: room, text }));
}

async function read() {
  const reader = guest("Cy").client.doc(docRoom);
  await reader.whenStatus("synced");
  assert.equal(reader.doc.getText("notes").toString(), expectedText, "a fresh reader after a restart gets the stored text");
  reader.destroy();
  console.log(JSON.stringify({ read: expectedText }));
}

await (mode === "play" ? play() : read());
// Sockets and timers of destroyed clients must not keep the process up.
process.exit(0);
