import type { tictactoe } from "../../games/tictactoe.ts";
import { joinFromUrl, showConnection } from "./gameClient.ts";
import { showLeaderboard } from "./leaderboard.ts";

const game = await joinFromUrl<typeof tictactoe>("tictactoe");
showConnection(game);
const refreshBoard = showLeaderboard(document.getElementById("leaderboard")!, "tictactoe.wins", game.playerId);
(document.getElementById("replays") as HTMLAnchorElement).href = `/replay.html?game=tictactoe&room=${game.roomId}`;

const board = document.getElementById("board")!;
const message = document.getElementById("message")!;
const cells = Array.from({ length: 9 }, (_, cell) => {
  const button = document.createElement("button");
  button.className = "cell";
  button.dataset.cell = String(cell);
  button.addEventListener("click", () => game.send({ type: "place", cell }));
  board.append(button);
  return button;
});
const scores = new Map<string, number>();

/** Draws a view: each `state` event's, and the one the page's connection holds already (a quick join is seated when it resolves). */
function render(view: NonNullable<typeof game.view>): void {
  view.board.forEach((mark, i) => (cells[i]!.textContent = mark));
  const mine = view.seats.X === game.playerId ? "X" : view.seats.O === game.playerId ? "O" : null;
  message.textContent =
    view.phase === "waiting" ? "Waiting for an opponent. Share this page's URL."
    : view.phase === "over" ? (view.winner === "draw" ? "Draw!" : `${view.winner} wins!`)
    : mine === null ? `${view.turn} to play`
    : view.turn === mine ? `Your turn (${mine})` : `Their turn (you are ${mine})`;
  for (const button of cells) button.disabled = view.phase !== "playing" || mine !== view.turn || button.textContent !== "";
}
game.on("state", render);
if (game.view) render(game.view);
game.on("event", (event) => {
  if (event.type !== "match_over") return;
  for (const id of event.result.winners) scores.set(id, (scores.get(id) ?? 0) + 1);
  setTimeout(() => void refreshBoard(), 2_000); // after the room's outbox flushed
  document.getElementById("scoreboard")!.replaceChildren(
    ...[...scores].map(([id, wins]) => Object.assign(document.createElement("li"), { textContent: `${id}: ${wins} win(s)` })),
  );
});
