// The React bindings as an app uses them, inside <StrictMode> (which mounts every effect twice in development:
// each room still opens one socket). A document bound to a textarea with its status, the people present, a
// tic-tac-toe game found by matchmaking, and the game's leaderboard.
import { StrictMode, useEffect, useState, type ChangeEvent } from "react";
import { createRoot } from "react-dom/client";
import type * as Y from "yjs";
import { createClient } from "@edgeroom/client";
import { EdgeroomProvider, useDoc, useGame, useLeaderboard, useMyPresence, useOthers } from "@edgeroom/react";
import type { tictactoe } from "../../games/tictactoe.ts";
import { fetchDevToken } from "./devToken.ts";

const params = new URLSearchParams(location.search);
let roomId = params.get("room");
if (!roomId || !/^[A-Za-z0-9_-]{1,64}$/.test(roomId)) {
  roomId = `react-${Math.random().toString(36).slice(2, 8)}`;
  params.set("room", roomId);
  history.replaceState(null, "", `?${params}`);
}
const userId = sessionStorage.getItem("edgeroom-user") ?? crypto.randomUUID();
sessionStorage.setItem("edgeroom-user", userId);
const name = (params.get("name") ?? "").trim().slice(0, 64) || `guest-${userId.slice(0, 4)}`;
/** `?game=off` leaves the game out (a page for the document alone). */
const withGame = params.get("game") !== "off";

// Made once, outside any component: the hooks share rooms per client.
const client = createClient({
  baseUrl: location.origin,
  getToken: (request) =>
    request.kind === "doc"
      ? fetchDevToken({ sub: userId, name, room: `doc/${request.roomId}`, role: "editor" })
      : fetchDevToken({ sub: userId, name, room: `game/${request.gameName}/*`, role: "player" }),
});

/** Replaces the part of `text` that changed between `before` and `after` (one edit: what a keystroke or paste does). */
function applyEdit(text: Y.Text, before: string, after: string): void {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  text.doc!.transact(() => {
    if (before.length - start - end > 0) text.delete(start, before.length - start - end);
    if (after.length - start - end > 0) text.insert(start, after.slice(start, after.length - end));
  });
}

function Document({ roomId }: { roomId: string }) {
  const { doc, provider, status, closeReason } = useDoc(roomId);
  const text = doc.getText("body");
  const [value, setValue] = useState(() => text.toString());
  useEffect(() => {
    const update = () => setValue(text.toString());
    update();
    text.observe(update);
    return () => text.unobserve(update);
  }, [text]);
  const others = useOthers<{ typing: boolean }>(provider, (raw) => (typeof raw.typing === "boolean" ? { typing: raw.typing } : null));
  const [me, setMe] = useMyPresence<{ typing: boolean }>(provider);

  const onChange = (event: ChangeEvent<HTMLTextAreaElement>) => applyEdit(text, text.toString(), event.target.value);
  return (
    <main className="editor-layout">
      <section>
        <p>
          Document <strong data-testid="doc-room">{roomId}</strong>{" "}
          <span className="status" data-status={status} data-testid="doc-status">{status}</span>
        </p>
        {closeReason && <p className="error" data-testid="doc-error">Closed for good ({closeReason.code}): {closeReason.reason}</p>}
        <textarea
          data-testid="doc-text"
          rows={10}
          cols={60}
          value={value}
          onChange={onChange}
          onFocus={() => setMe({ typing: true })}
          onBlur={() => setMe({ typing: false })}
        />
      </section>
      <aside>
        <h2>Here now</h2>
        <ul id="presence" data-testid="others">
          <li data-testid="me">{name} (you){me.typing ? ", typing" : ""}</li>
          {others.map((peer) => (
            <li key={peer.clientId} data-testid="peer" data-user={peer.id}>
              <span className="swatch" style={{ background: peer.color ?? "#888888" }} />
              {peer.name}{peer.state?.typing ? ", typing" : ""}
            </li>
          ))}
        </ul>
      </aside>
    </main>
  );
}

function TicTacToe() {
  const { view, status, playerId, connection, rttMs, error, send } = useGame<typeof tictactoe>("tictactoe", { match: "quick" });
  const mine = view ? (view.seats.X === playerId ? "X" : view.seats.O === playerId ? "O" : null) : null;
  const message =
    !view ? (error ? error.message : "Finding a game…")
    : view.phase === "waiting" ? "Waiting for an opponent: open this page in another window."
    : view.phase === "over" ? (view.winner === "draw" ? "Draw!" : `${view.winner} wins!`)
    : view.turn === mine ? `Your turn (${mine})` : `Their turn (you are ${mine ?? "watching"})`;
  return (
    <section>
      <h2>
        Tic-tac-toe <span data-testid="game-room">{connection?.roomId ?? ""}</span>{" "}
        <span className="status" data-status={status === "joined" ? "saved" : status} data-testid="game-status">{status}</span>{" "}
        <span data-testid="game-rtt">{rttMs === null ? "" : `${rttMs} ms`}</span>
      </h2>
      <div id="board" aria-label="board">
        {(view?.board ?? Array<"">(9).fill("")).map((mark, cell) => (
          <button
            key={cell}
            className="cell"
            data-testid={`cell-${cell}`}
            disabled={!view || view.phase !== "playing" || view.turn !== mine || mark !== ""}
            onClick={() => send({ type: "place", cell })}
          >
            {mark}
          </button>
        ))}
      </div>
      <p data-testid="game-message">{message}</p>
    </section>
  );
}

function Leaderboard() {
  const { entries, status, error } = useLeaderboard("tictactoe.wins", { limit: 10, refreshMs: 5_000 });
  return (
    <aside>
      <h2>Leaderboard</h2>
      <p className="hint">Tic-tac-toe wins, all time ({status})</p>
      {error && <p className="error">{error.message}</p>}
      <ol className="plain" data-testid="leaderboard" data-status={status}>
        {entries.map((entry) => (
          <li key={entry.playerId} data-player={entry.playerId} style={{ fontWeight: entry.playerId === userId ? 700 : 400 }}>
            #{entry.rank} {entry.playerId}: {entry.score}
          </li>
        ))}
      </ol>
    </aside>
  );
}

function App() {
  // Unmounting the room's components closes their sockets (the last user of a room closes it).
  const [isMounted, setMounted] = useState(true);
  return (
    <>
      <header className="bar">
        <a href="/">Edgeroom</a>
        <span>React, as <strong data-testid="name">{name}</strong></span>
        <button data-testid="toggle-room" onClick={() => setMounted(!isMounted)}>{isMounted ? "Leave the rooms" : "Join again"}</button>
      </header>
      {isMounted && <Document roomId={roomId!} />}
      {isMounted && withGame && (
        <main className="game-layout">
          <TicTacToe />
          <Leaderboard />
        </main>
      )}
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <EdgeroomProvider client={client}>
      <App />
    </EdgeroomProvider>
  </StrictMode>,
);
