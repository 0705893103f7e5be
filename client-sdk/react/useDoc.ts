import { useCallback, useEffect, useSyncExternalStore } from "react";
import * as Y from "yjs";
import type { CloseReason, DocOptions, DocProvider, DocStatus, EdgeroomClient } from "@edgeroom/client";
import { useClient } from "./context.ts";
import { release, retain, sharedFor, type Shared } from "./shared.ts";

export interface UseDocResult {
  /** The room's document: the same Y.Doc for every component using this room, from the first render on. */
  doc: Y.Doc;
  /** The connection, once mounted (null during the first render, before effects run). */
  provider: DocProvider | null;
  /** `connecting`, `connected`, `synced`, `saved` (the room stored our last edit), `offline` or `closed`. */
  status: DocStatus;
  /** Why the room closed the connection for good, once `status` is `closed`. */
  closeReason: CloseReason | null;
}

interface DocRoom {
  doc: Y.Doc;
  provider: DocProvider | null;
  /** Components waiting for the provider that the first retain makes. */
  listeners: Set<() => void>;
}

const docKey = (roomId: string, options?: DocOptions) => `doc\n${roomId}\n${options?.region ?? ""}`;

function sharedDoc(client: EdgeroomClient, roomId: string, options?: DocOptions): Shared<DocRoom> {
  return sharedFor<DocRoom>(client, docKey(roomId, options), () => {
    const room: DocRoom = { doc: options?.doc ?? new Y.Doc(), provider: null, listeners: new Set() };
    return {
      value: room,
      dispose: () => {
        room.provider?.destroy();
        // A Y.Doc the caller passed is theirs to keep; one made here goes with the room.
        if (!options?.doc) room.doc.destroy();
      },
    };
  });
}

const NO_SUBSCRIPTION = () => () => {};

/**
 * Joins a document room for as long as the component is mounted. Every component that uses the same room
 * (of one client) shares one Y.Doc and one socket; the socket closes when the last of them unmounts. React
 * StrictMode's double mount opens one socket, not two. `options` are read when the room is first opened
 * (`doc`, `awareness`, `region`); later changes to them are ignored until it is closed.
 *
 * @example
 * ```tsx
 * function Notes({ roomId }: { roomId: string }) {
 *   const { doc, status } = useDoc(roomId);
 *   const text = doc.getText("body");
 *   return <p>{status === "saved" ? "All changes saved" : status} – {text.length} characters</p>;
 * }
 * ```
 */
export function useDoc(roomId: string, options?: DocOptions): UseDocResult {
  const client = useClient();
  const shared = sharedDoc(client, roomId, options);
  const room = shared.value;

  useEffect(() => {
    const current = sharedDoc(client, roomId, options);
    retain(current);
    const value = current.value;
    if (!value.provider) {
      value.provider = client.doc(roomId, { ...options, doc: value.doc });
      for (const listener of [...value.listeners]) listener();
    }
    return () => release(client, docKey(roomId, options), current);
    // options are read on first open only (see above): a new object each render must not reopen the room.
  }, [client, roomId, options?.region]);

  const subscribeRoom = useCallback(
    (onChange: () => void) => {
      room.listeners.add(onChange);
      return () => void room.listeners.delete(onChange);
    },
    [room],
  );
  const provider = useSyncExternalStore(subscribeRoom, () => room.provider, () => null);
  const subscribeStatus = useCallback((onChange: () => void) => (provider ? provider.on("status", onChange) : NO_SUBSCRIPTION()), [provider]);
  const status = useSyncExternalStore(subscribeStatus, () => provider?.status ?? "connecting", () => "connecting" as const);
  const closeReason = useSyncExternalStore(subscribeStatus, () => provider?.closeReason ?? null, () => null);
  return { doc: room.doc, provider, status, closeReason };
}
