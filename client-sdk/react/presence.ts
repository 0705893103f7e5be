import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { DocProvider, Presence, PresenceDecoder, PresencePeer } from "@edgeroom/client";

const NO_PEERS: never[] = [];
const NO_SUBSCRIPTION = () => () => {};

/** One Presence per provider; the decoder is read through a ref, so an inline function does not remake it. */
function usePresence<State extends object>(provider: DocProvider | null, decode: PresenceDecoder<State> | undefined): Presence<State> | null {
  const decodeRef = useRef(decode);
  useEffect(() => void (decodeRef.current = decode));
  return useMemo(
    () => (provider ? provider.presence<State>((raw) => (decodeRef.current ? decodeRef.current(raw) : (raw as State))) : null),
    [provider],
  );
}

/**
 * Everyone else in the document room (one entry per tab), with the name and id the room took from their
 * token, and their presence fields checked by `decode` (raw fields without one). Re-renders when someone
 * arrives, leaves or changes their fields.
 *
 * @example
 * ```tsx
 * const { provider } = useDoc("notes-1");
 * const others = useOthers<{ typing: boolean }>(provider, (raw) => (typeof raw.typing === "boolean" ? { typing: raw.typing } : null));
 * return <ul>{others.map((p) => <li key={p.clientId}>{p.name}{p.state?.typing ? " is typing" : ""}</li>)}</ul>;
 * ```
 */
export function useOthers<State extends object>(provider: DocProvider | null, decode?: PresenceDecoder<State>): PresencePeer<State>[] {
  const presence = usePresence(provider, decode);
  const store = useMemo(() => {
    if (!presence) return { subscribe: NO_SUBSCRIPTION, snapshot: () => NO_PEERS as PresencePeer<State>[] };
    let peers = presence.others();
    return {
      subscribe: (onChange: () => void) => {
        const refresh = () => {
          peers = presence.others();
          onChange();
        };
        refresh(); // changes between this store's making and the subscription
        // Our own `set` changes no one else: skip it, so the list keeps its identity.
        return presence.on("change", (change) => void (change.local || refresh()));
      },
      snapshot: () => peers,
    };
  }, [presence]);
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}

/**
 * Our own presence fields and the function that sets some of them (merged into the rest, sent to the room).
 * Fields set before the connection exists are kept and sent once it does.
 *
 * @example
 * ```tsx
 * const { provider } = useDoc("notes-1");
 * const [me, setMe] = useMyPresence<{ typing: boolean }>(provider);
 * return <textarea onFocus={() => setMe({ typing: true })} onBlur={() => setMe({ typing: false })} data-typing={me.typing} />;
 * ```
 */
export function useMyPresence<State extends object>(
  provider: DocProvider | null,
  decode?: PresenceDecoder<State>,
): [Partial<State>, (partial: Partial<State>) => void] {
  const presence = usePresence(provider, decode);
  const [pending, setPending] = useState<Partial<State>>({});
  const pendingRef = useRef(pending);

  useEffect(() => {
    if (presence && Object.keys(pendingRef.current).length > 0) presence.set(pendingRef.current);
  }, [presence]);

  const store = useMemo(() => {
    if (!presence) return null;
    let mine = presence.get();
    return {
      subscribe: (onChange: () => void) =>
        presence.on("change", (change) => {
          if (!change.local) return;
          mine = presence.get();
          onChange();
        }),
      snapshot: () => mine,
    };
  }, [presence]);
  const mine = useSyncExternalStore(store?.subscribe ?? NO_SUBSCRIPTION, store?.snapshot ?? (() => pending), store?.snapshot ?? (() => pending));

  const set = useCallback(
    (partial: Partial<State>) => {
      if (presence) return presence.set(partial);
      pendingRef.current = { ...pendingRef.current, ...partial };
      setPending(pendingRef.current);
    },
    [presence],
  );
  return [mine, set];
}
