import { LeaderboardPage } from "edgeroom/protocol";

/** Keeps a list element showing a board's top entries; returns a function that refreshes it now. */
export function showLeaderboard(list: HTMLElement, board: string, highlight: string | null): () => Promise<void> {
  const refresh = async () => {
    const response = await fetch(`/v1/leaderboards/${board}?limit=10`);
    const page = LeaderboardPage.safeParse(await response.json().catch(() => null));
    if (!page.success) return;
    list.replaceChildren(
      ...page.data.entries.map((entry) => {
        const li = document.createElement("li");
        li.dataset.player = entry.playerId;
        li.textContent = `#${entry.rank} ${entry.playerId}: ${entry.score}`;
        if (entry.playerId === highlight) li.style.fontWeight = "700";
        return li;
      }),
    );
  };
  void refresh();
  setInterval(() => void refresh(), 5_000);
  return refresh;
}
