/**
 * Edgeroom's client SDK for browsers and Node 22.
 *
 * @example
 * ```ts
 * import { createClient } from "edgeroom/client-sdk";
 *
 * const client = createClient({
 *   baseUrl: "http://127.0.0.1:8787",
 *   getToken: async ({ roomId }) => (await fetch(`/my-auth?room=doc/${roomId}`)).text(),
 * });
 * const notes = client.doc("notes-1");
 * await notes.whenStatus("synced");
 * notes.doc.getText("body").insert(0, "Hello");
 * await notes.whenStatus("saved"); // the room has stored it
 * ```
 * @packageDocumentation
 */
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { RoomId } from "../protocol/index.ts";
import { resolveReconnectOptions, type ReconnectOptions } from "./backoff.ts";
import { DocProvider } from "./DocProvider.ts";

export { DocProvider } from "./DocProvider.ts";
export type { DocProviderEvents, DocStatus } from "./DocProvider.ts";
export type { CloseReason } from "./socketSession.ts";
export type { ReconnectOptions } from "./backoff.ts";
export { CloseCode, isFatalCloseCode } from "../protocol/closeCodes.ts";

/** The room a token is asked for. */
export interface TokenRequest {
  kind: "doc";
  roomId: string;
}

export interface ClientOptions {
  /** The service's HTTP origin, such as `http://127.0.0.1:8787` or `https://rooms.example.com`. */
  baseUrl: string;
  /** Returns a token for the room. Called again before every reconnect, so it may refresh an expired token. */
  getToken: (room: TokenRequest) => string | Promise<string>;
  reconnect?: ReconnectOptions;
  /** WebSocket class to use; defaults to the global one (browsers, Node 22). */
  WebSocket?: typeof WebSocket;
  /** fetch to use; defaults to the global one. */
  fetch?: typeof fetch;
}

export interface DocOptions {
  /** The document to keep in sync; a new Y.Doc when omitted. */
  doc?: Y.Doc;
  /** Presence to share; a new Awareness on `doc` when omitted. */
  awareness?: Awareness;
  /** Ask the room to live near this region on first creation, such as `weur`. */
  region?: string;
}

export interface EdgeroomClient {
  /**
   * Joins a collaboration room and keeps `doc` in sync with it.
   *
   * @example
   * ```ts
   * const provider = client.doc("notes-1", { doc: new Y.Doc() });
   * provider.on("status", (status) => statusLabel.textContent = status);
   * ```
   */
  doc(roomId: string, options?: DocOptions): DocProvider;
}

/**
 * Makes a client for one Edgeroom service. Options are checked here, once.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: location.origin, getToken: () => myToken });
 * ```
 */
export function createClient(options: ClientOptions): EdgeroomClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError("baseUrl must be an http: or https: URL");
  const reconnect = resolveReconnectOptions(options.reconnect);
  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  if (!WebSocketClass) throw new TypeError("no WebSocket available: pass options.WebSocket");
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);

  return {
    doc(roomId, docOptions = {}) {
      const id = RoomId.safeParse(roomId);
      if (!id.success) throw new TypeError(`bad room id "${roomId}": ${id.error.issues[0]?.message}`);
      const socketUrl = new URL(`/v1/doc/${id.data}`, base);
      socketUrl.protocol = base.protocol === "https:" ? "wss:" : "ws:";
      if (docOptions.region) socketUrl.searchParams.set("region", docOptions.region);
      return new DocProvider(
        {
          roomId: id.data,
          socketUrl: socketUrl.toString(),
          getToken: () => options.getToken({ kind: "doc", roomId: id.data }),
          reconnect,
          WebSocket: WebSocketClass,
          fetch: fetchFn,
        },
        docOptions.doc ?? new Y.Doc(),
        docOptions.awareness,
      );
    },
  };
}
