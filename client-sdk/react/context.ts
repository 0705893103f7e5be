import { createContext, createElement, useContext, type ReactNode } from "react";
import type { EdgeroomClient } from "@edgeroom/client";

const ClientContext = createContext<EdgeroomClient | null>(null);

export interface EdgeroomProviderProps {
  /** The client the hooks below use, from `createClient`. Make it once (module scope or `useState`), not on every render. */
  client: EdgeroomClient;
  children?: ReactNode;
}

/**
 * Gives the components inside it an Edgeroom client. Rooms are shared per client: two components that
 * use one room share one socket.
 *
 * @example
 * ```tsx
 * const client = createClient({ baseUrl: "https://rooms.example.com", getToken: ({ roomId }) => myToken(roomId) });
 * createRoot(root).render(
 *   <EdgeroomProvider client={client}>
 *     <App />
 *   </EdgeroomProvider>,
 * );
 * ```
 */
export function EdgeroomProvider({ client, children }: EdgeroomProviderProps): ReactNode {
  return createElement(ClientContext.Provider, { value: client }, children);
}

/**
 * The client from the nearest EdgeroomProvider. Throws outside one.
 *
 * @example
 * ```tsx
 * const client = useClient();
 * const onShare = async () => setPage(await client.leaderboard("tictactoe.wins", { around: me }));
 * ```
 */
export function useClient(): EdgeroomClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useClient (and every Edgeroom hook) must be used inside <EdgeroomProvider client={...}>");
  return client;
}
