// The page: matchmaking and the game through @edgeroom/client, typed from the game module itself,
// and a shared document bound to a textarea. esbuild bundles it into public/app.js (npm run build).
import { createClient, type GameConnection, type TokenRequest, type ViewOf } from "@edgeroom/client";
import { POINTS_TO_WIN, reaction } from "./game.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const nameInput = $<HTMLInputElement>("name");
// The rules' own number, so the page says what the game you wrote does.
$("points-to-win").textContent = String(POINTS_TO_WIN);
nameInput.value = localStorage.getItem("name") ?? nameInput.value;

/** Asks this Worker's own token route (src/worker.ts); the guest cookie says who we are. */
async function getToken(request: TokenRequest): Promise<string> {
  localStorage.setItem("name", nameInput.value);
  const response = await fetch("/api/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...request, name: nameInput.value.trim() || undefined }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `token route answered ${response.status}`);
  return body.token;
}

const client = createClient({ baseUrl: location.origin, getToken });

// --- the game ---
let game: GameConnection<typeof reaction> | null = null;
/** The join under way, given up when "Find a match" is clicked again before it is seated. */
let joining: AbortController | null = null;
const light = $<HTMLButtonElement>("light");

$("play").addEventListener("click", async () => {
  game?.destroy();
  joining?.abort();
  const attempt = (joining = new AbortController());
  $("status").textContent = "finding a match…";
  try {
    // One socket: the matchmaker picks a room with a free seat; it resolves once seated there.
    game = await client.quickJoin<typeof reaction>(reaction.name, { signal: attempt.signal });
  } catch (error) {
    if (!attempt.signal.aborted) $("status").textContent = String(error);
    return;
  }
  const connection = game;
  const showStatus = () => ($("status").textContent = `${connection.status} (room ${connection.roomId})`);
  const render = (view: ViewOf<typeof reaction>) => {
    const me = connection.playerId;
    const who = (id: string | null) => (id === null ? "nobody" : id === me ? "you" : "your opponent");
    light.dataset.phase = view.phase;
    light.disabled = view.phase !== "ready" && view.phase !== "go";
    $("message").textContent =
      view.phase === "waiting" ? "waiting for a second player…"
      : view.phase === "over" ? `${who(view.winner)} won the match; the next one starts in a few seconds`
      : view.lastRound ? `round ${view.round}: ${who(view.lastRound.winner)} took the last round${view.lastRound.early ? " (a click on red)" : ` in ${view.lastRound.reactionMs} ms`}`
      : `round ${view.round}: wait for green…`;
    $("score").textContent = view.players.map((id) => `${who(id)}: ${view.points[id] ?? 0}`).join(" · ");
  };
  connection.on("status", showStatus);
  connection.on("state", render);
  // Seated already: the welcome's status and view are here, and events bring the ones after them.
  showStatus();
  if (connection.view) render(connection.view);
});

const click = () => game?.send({ type: "click" });
light.addEventListener("click", click);
document.addEventListener("keydown", (event) => {
  if (event.code === "Space" && document.activeElement?.tagName !== "TEXTAREA" && document.activeElement?.tagName !== "INPUT") {
    event.preventDefault();
    click();
  }
});

// --- the leaderboard: a public route, no token ---
/** How often the page reloads the board, in ms; the public routes allow 120 requests a minute per address. */
const BOARD_REFRESH_MS = 5_000;
async function showBoard(): Promise<void> {
  const response = await fetch(`/v1/leaderboards/${reaction.name}.wins?limit=10`);
  if (!response.ok) return;
  const page: { entries: { rank: number; playerId: string; score: number }[] } = await response.json();
  const items = page.entries.map((entry) => {
    const item = document.createElement("li");
    item.textContent = `${entry.playerId}${entry.playerId === game?.playerId ? " (you)" : ""}: ${entry.score}`;
    return item;
  });
  $("board").replaceChildren(...(items.length ? items : [Object.assign(document.createElement("li"), { textContent: "no matches yet" })]));
}
// A finished match reaches the board through the room's outbox a moment after match_over: poll it.
void showBoard();
setInterval(() => void showBoard(), BOARD_REFRESH_MS);

// --- the shared document ---
const notes = client.doc("notes");
const text = notes.doc.getText("notes");
const area = $<HTMLTextAreaElement>("notes");
notes.on("status", (status) => (area.placeholder = status === "synced" || status === "saved" ? "write something" : `${status}…`));
text.observe(() => {
  if (area.value === text.toString()) return;
  const { selectionStart, selectionEnd } = area;
  area.value = text.toString();
  area.setSelectionRange(selectionStart, selectionEnd);
});
// Turn each edit of the textarea into the smallest Yjs change, so two people typing merge.
area.addEventListener("input", () => {
  const before = text.toString();
  const after = area.value;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  notes.doc.transact(() => {
    text.delete(start, before.length - start - end);
    text.insert(start, after.slice(start, after.length - end));
  });
});
