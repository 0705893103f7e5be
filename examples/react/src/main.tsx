import { createClient, type GameDefinition } from "@edgeroom/client";
import { EdgeroomProvider, useDoc, useGame, useLeaderboard, useMyPresence, useOthers } from "@edgeroom/react";
import { StrictMode, useEffect, useState, useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";
import type * as Y from "yjs";
import { SERVICE_URL, getToken, me } from "./devToken.ts";

// The tic-tac-toe game the repo's Worker ships (games/tictactoe.ts), typed here from what it sends and
// takes: in your own app, import the type of your game definition instead.
type Mark = "X" | "O";
interface TicTacToeView {
  board: ("" | Mark)[];
  seats: Partial<Record<Mark, string>>;
  turn: Mark;
  phase: "waiting" | "playing" | "over";
  winner: Mark | "draw" | null;
}
type TicTacToe = GameDefinition<TicTacToeView, { type: "place"; cell: number }, TicTacToeView>;

/** Both tabs quick-join: the first opens a room with a free seat, the second takes it. Module-level, so every render passes the same target. */
const QUICK_MATCH = { match: "quick" } as const;
/** The document every tab opens; `?doc=` picks another. */
const DOC_ROOM = new URLSearchParams(location.search).get("doc") ?? "react-notes";

const client = createClient({ baseUrl: SERVICE_URL, getToken });

/** The text of a Y.Text, re-rendered on every change, local or remote. */
function useYText(text: Y.Text): string {
  return useSyncExternalStore(
    (onChange) => {
      text.observe(onChange);
      return () => text.unobserve(onChange);
    },
    () => text.toString(),
  );
}

/** Turns the textarea's new value into the smallest Yjs edit: one delete and one insert between the common ends. */
function applyEdit(text: Y.Text, next: string): void {
  const current = text.toString();
  let start = 0;
  while (start < current.length && start < next.length && current[start] === next[start]) start += 1;
  let end = 0;
  while (end < current.length - start && end < next.length - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end += 1;
  text.doc!.transact(() => {
    text.delete(start, current.length - start - end);
    text.insert(start, next.slice(start, next.length - end));
  });
}

function Document() {
  const { doc, provider, status, closeReason } = useDoc(DOC_ROOM);
  const body = doc.getText("body");
  const value = useYText(body);
  const others = useOthers<{ typing: boolean }>(provider);
  const [, setPresence] = useMyPresence<{ typing: boolean }>(provider);
  return (
    <section>
      <h2>Document {DOC_ROOM}</h2>
      <p>
        Status: <strong data-testid="doc-status">{status}</strong>
        {closeReason && <span data-testid="doc-close-reason"> ({closeReason.code}: {closeReason.reason})</span>}
      </p>
      <textarea
        data-testid="doc-text"
        rows={6}
        cols={60}
        value={value}
        onChange={(event) => applyEdit(body, event.target.value)}
        onFocus={() => setPresence({ typing: true })}
        onBlur={() => setPresence({ typing: false })}
      />
      <p>
        You are <span data-testid="me">{me.name}</span>. Here too:{" "}
        <span data-testid="others">{others.map((peer) => `${peer.name}${peer.state?.typing ? " (typing)" : ""}`).join(", ") || "nobody"}</span>
      </p>
    </section>
  );
}

function Game() {
  const { status, view, seat, playerId, rttMs, send, error } = useGame<TicTacToe>("tictactoe", QUICK_MATCH);
  const mine: Mark | null = view && playerId ? (view.seats.X === playerId ? "X" : view.seats.O === playerId ? "O" : null) : null;
  return (
    <section>
      <h2>Tic-tac-toe</h2>
      <p>
        Status: <strong data-testid="game-status">{status}</strong>, seat <span data-testid="game-seat">{seat ?? "-"}</span>, you play{" "}
        <strong data-testid="game-mark">{mine ?? "-"}</strong> as <span data-testid="game-player">{playerId ?? "-"}</span>, rtt {rttMs === null ? "-" : `${Math.round(rttMs)} ms`}
      </p>
      {error && <p data-testid="game-error">{error.message}</p>}
      {view && (
        <>
          <p data-testid="game-phase">
            {view.phase === "waiting" ? "waiting" : view.phase === "playing" ? `playing: ${view.turn} to move` : `over: ${view.winner}`}
          </p>
          <div style={{ display: "grid", gridTemplateColumns: "repeat(3, 3rem)", gap: 4 }}>
            {view.board.map((cell, index) => (
              <button
                key={index}
                data-testid={`cell-${index}`}
                style={{ height: "3rem" }}
                disabled={view.phase !== "playing" || view.turn !== mine || cell !== ""}
                onClick={() => send({ type: "place", cell: index })}
              >
                {cell}
              </button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function Leaderboard() {
  const { entries, status } = useLeaderboard("tictactoe.wins", { limit: 10, refreshMs: 5_000 });
  return (
    <section>
      <h2>Tic-tac-toe wins</h2>
      <p data-testid="board-status">{status}</p>
      <ol data-testid="board">
        {entries.map((entry) => (
          <li key={entry.playerId} data-player={entry.playerId}>
            {entry.playerId}: {entry.score}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Shows that the page is live (the tests wait for it before they act). */
function Ready() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return <p data-testid="ready">{ready ? "ready" : "loading"}</p>;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <EdgeroomProvider client={client}>
      <h1>Edgeroom + React</h1>
      <Ready />
      <Document />
      <Game />
      <Leaderboard />
    </EdgeroomProvider>
  </StrictMode>,
);
