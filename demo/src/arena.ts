import { InterpolationBuffer } from "@edgeroom/client";
import { ARENA_HEIGHT, ARENA_WIDTH, PICKUP_RADIUS, type arena } from "../../games/arena.ts";
import { joinFromUrl, role, showConnection } from "./gameClient.ts";
import { showLeaderboard } from "./leaderboard.ts";

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#9a6324", "#800000"];
const game = await joinFromUrl<typeof arena>("arena");
showConnection(game);
const refreshBoard = showLeaderboard(document.getElementById("leaderboard")!, "arena.gems", game.playerId);
(document.getElementById("replays") as HTMLAnchorElement).href = `/replay.html?game=arena&room=${game.roomId}`;

const canvas = document.getElementById("field") as HTMLCanvasElement;
canvas.width = ARENA_WIDTH;
canvas.height = ARENA_HEIGHT;
const ctx = canvas.getContext("2d")!;
const motion = new InterpolationBuffer({ delayMs: 100 });
const scoreboard = document.getElementById("scoreboard")!;
const clock = document.getElementById("time")!;
const banner = document.getElementById("banner")!;
const colorOf = (id: string) => COLORS[[...id].reduce((h, c) => h + c.charCodeAt(0), 0) % COLORS.length]!;

game.on("state", (view) => {
  motion.push(performance.now(), view.players);
  clock.textContent = `${Math.ceil(view.timeLeftMs / 1000)} s`;
  const rows = Object.entries(view.players).sort(([, a], [, b]) => b.score - a.score);
  scoreboard.replaceChildren(
    ...rows.map(([id, p]) => {
      const li = document.createElement("li");
      li.dataset.player = id;
      li.style.color = colorOf(id);
      li.textContent = `${id === game.playerId ? `${id} (you)` : id}: ${p.score}`;
      return li;
    }),
  );
});
game.on("event", (event) => {
  if (event.type === "match_over") {
    const winners = event.result.winners.join(", ") || "nobody";
    banner.textContent = `Match over: ${winners} won. Next match in 5 s.`;
    setTimeout(() => void refreshBoard(), 2_000); // after the room's outbox flushed
    setTimeout(() => (banner.textContent = ""), 5000);
  }
});

// Arrow keys or WASD: an input only when the direction changes.
const held = new Set<string>();
let last = "0,0";
function steer(): void {
  if (role !== "player") return;
  const dx = (held.has("right") ? 1 : 0) - (held.has("left") ? 1 : 0);
  const dy = (held.has("down") ? 1 : 0) - (held.has("up") ? 1 : 0);
  if (`${dx},${dy}` === last) return;
  last = `${dx},${dy}`;
  game.send({ type: "move", dx: dx as -1 | 0 | 1, dy: dy as -1 | 0 | 1 });
}
const KEYS: Record<string, string> = { ArrowLeft: "left", a: "left", ArrowRight: "right", d: "right", ArrowUp: "up", w: "up", ArrowDown: "down", s: "down" };
addEventListener("keydown", (e) => KEYS[e.key] && (held.add(KEYS[e.key]!), steer(), e.preventDefault()));
addEventListener("keyup", (e) => KEYS[e.key] && (held.delete(KEYS[e.key]!), steer()));

function draw(): void {
  ctx.fillStyle = "#0f1020";
  ctx.fillRect(0, 0, ARENA_WIDTH, ARENA_HEIGHT);
  for (const gem of Object.values(game.view?.gems ?? {})) {
    ctx.fillStyle = "#ffd400";
    ctx.beginPath();
    ctx.arc(gem.x, gem.y, PICKUP_RADIUS / 3, 0, Math.PI * 2);
    ctx.fill();
  }
  for (const [id, p] of Object.entries(motion.sample(performance.now()))) {
    ctx.fillStyle = colorOf(id);
    ctx.beginPath();
    ctx.arc(p.x, p.y, 14, 0, Math.PI * 2);
    ctx.fill();
    if (id === game.playerId) {
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 3;
      ctx.stroke();
    }
  }
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);
