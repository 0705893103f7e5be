/**
 * React bindings for Edgeroom: a provider for the client, and hooks for documents, presence, games and
 * leaderboards. Each room is opened once per client however many components use it, and React 19
 * StrictMode's double mount opens one socket; the last component to unmount closes it.
 *
 * @example
 * ```tsx
 * import { createClient } from "@edgeroom/client";
 * import { EdgeroomProvider, useDoc, useOthers } from "@edgeroom/react";
 *
 * const client = createClient({ baseUrl: "https://rooms.example.com", getToken: async (request) => myBackendToken(request) });
 *
 * function Notes() {
 *   const { doc, provider, status } = useDoc("notes-1");
 *   const others = useOthers(provider);
 *   return <p>{status}, {others.length} others here, {doc.getText("body").length} characters</p>;
 * }
 *
 * createRoot(document.getElementById("root")!).render(
 *   <StrictMode><EdgeroomProvider client={client}><Notes /></EdgeroomProvider></StrictMode>,
 * );
 * ```
 * @packageDocumentation
 */
export { EdgeroomProvider, useClient, type EdgeroomProviderProps } from "./context.ts";
export { useDoc, type UseDocResult } from "./useDoc.ts";
export { useOthers, useMyPresence } from "./presence.ts";
export { useGame, type GameTarget, type UseGameResult } from "./useGame.ts";
export { useLeaderboard, type UseLeaderboardOptions, type UseLeaderboardResult } from "./useLeaderboard.ts";
