import type { CloseReason } from "./socketSession.ts";

interface StatusSource<S extends string> {
  readonly status: S;
  readonly closeReason: CloseReason | null;
  on(event: "status", listener: (status: S) => void): () => void;
}

/**
 * Resolves once `source` reaches `status`, or a status that `reached` counts as past it (a document
 * already `saved` is also `synced`); rejects if it closes first.
 */
export function whenStatus<S extends string>(
  source: StatusSource<S>,
  status: S,
  what: string,
  reached: (current: S) => boolean = (current) => current === status,
): Promise<void> {
  const closed = () => new Error(`${what} closed: ${source.closeReason?.reason ?? "destroyed"}`);
  return new Promise((resolve, reject) => {
    if (reached(source.status)) return resolve();
    if (source.status === "closed") return reject(closed());
    const off = source.on("status", (next) => {
      if (reached(next)) resolve();
      else if (next === "closed") reject(closed());
      else return;
      off();
    });
  });
}
