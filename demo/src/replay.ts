import { ReplayRecord, replay, type AnyGame } from "edgeroom/protocol";
import { ARENA_HEIGHT, ARENA_WIDTH, arena, type ArenaState } from "../../games/arena.ts";
import { tictactoe, type TicTacToeState } from "../../games/tictactoe.ts";

/** Plays a stored match: the record comes from R2, the states from re-running the game's rules. */
const GAMES: Record<string, AnyGame> = { arena: arena as AnyGame, tictactoe: tictactoe as AnyGame };
const params = new URLSearchParams(location.search);
const game = GAMES[params.get("game") ?? ""];
const roomId = params.get("room") ?? "";
const $ = (id: string) => document.getElementById(id)!;
$("room-name").textContent = `${params.get("game")}/${roomId}`;
const canvas = $("field") as HTMLCanvasElement;
const ctx = canvas.getContext("2d")!;
const play = $("play") as HTMLButtonElement;
const seek = $("seek") as HTMLInputElement;
let frames: unknown[] = [];
let timer: ReturnType<typeof setInterval> | null = null;

function fail(message: string): void {
  $("error").hidden = false;
  $("error").textContent = message;
}

async function loadList(): Promise<void> {
  if (!game) return fail("unknown game");
  const body = (await (await fetch(`/v1/replays/${game.name}/${roomId}`)).json()) as { matches?: { matchId: string; endedAt: number; winners: string[] }[] };
  $("matches").replaceChildren(
    ...(body.matches ?? []).map((m) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.className = "link";
      button.dataset.match = m.matchId;
      button.textContent = `${new Date(m.endedAt).toLocaleTimeString()}: ${m.winners.join(", ") || "no winner"}`;
      button.addEventListener("click", () => void load(m.matchId));
      li.append(button);
      return li;
    }),
  );
}

async function load(matchId: string): Promise<void> {
  stop();
  const parsed = ReplayRecord.safeParse(await (await fetch(`/v1/replays/${game!.name}/${roomId}/${matchId}`)).json());
  if (!parsed.success) return fail("this replay's record is not one this viewer can read");
  frames = [];
  try {
    for (const { state } of replay(parsed.data, game!)) frames.push(structuredClone(state));
    $("verdict").textContent = `Re-simulated ${frames.length} ticks: final state matches the recorded hash.`;
  } catch (error) {
    $("verdict").textContent = error instanceof Error ? error.message : String(error);
  }
  seek.max = String(frames.length - 1);
  seek.value = "0";
  seek.disabled = play.disabled = false;
  draw(0);
}

function draw(index: number): void {
  $("tick").textContent = `tick ${index} / ${frames.length - 1}`;
  const state = frames[index];
  ctx.fillStyle = "#0f1020";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (game === (arena as AnyGame)) drawArena(state as ArenaState);
  else drawBoard(state as TicTacToeState);
}

function drawArena(state: ArenaState): void {
  const scale = Math.min(canvas.width / ARENA_WIDTH, canvas.height / ARENA_HEIGHT);
  ctx.fillStyle = "#ffd400";
  for (const gem of Object.values(state.gems)) ctx.fillRect(gem.x * scale - 4, gem.y * scale - 4, 8, 8);
  ctx.font = "14px system-ui";
  for (const [id, p] of Object.entries(state.players)) {
    ctx.fillStyle = "#4fc3f7";
    ctx.beginPath();
    ctx.arc(p.x * scale, p.y * scale, 12, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.fillText(`${id} ${p.score}`, p.x * scale + 14, p.y * scale);
  }
}

function drawBoard(state: TicTacToeState): void {
  ctx.fillStyle = "#fff";
  ctx.font = "bold 120px system-ui";
  state.board.forEach((mark, i) => ctx.fillText(mark || "·", 100 + (i % 3) * 200, 170 + Math.floor(i / 3) * 180));
  ctx.font = "24px system-ui";
  ctx.fillText(state.winner ? `winner: ${state.winner}` : `${state.turn} to play`, 20, 580);
}

function stop(): void {
  if (timer) clearInterval(timer);
  timer = null;
  play.textContent = "Play";
}

play.addEventListener("click", () => {
  if (timer) return stop();
  play.textContent = "Pause";
  timer = setInterval(() => {
    const next = Number(seek.value) + 1;
    if (next >= frames.length) return stop();
    seek.value = String(next);
    draw(next);
  }, 1000 / (game?.tickRateHz ?? 20));
});
seek.addEventListener("input", () => draw(Number(seek.value)));
void loadList();
