import { describe, expect, it } from "vitest";
import { isPast, type DocStatus } from "./DocProvider.ts";
import { whenStatus } from "./whenStatus.ts";

/** A status source the test moves by hand. */
function source(status: DocStatus) {
  const listeners = new Set<(s: DocStatus) => void>();
  return {
    status,
    closeReason: null,
    on(_event: "status", listener: (s: DocStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    move(next: DocStatus) {
      this.status = next;
      for (const listener of [...listeners]) listener(next);
    },
  };
}

const docReached = (wanted: DocStatus) => (current: DocStatus) => current === wanted || isPast(current, wanted);

describe("whenStatus", () => {
  it("resolves for synced when the document is already saved (saved is past synced)", async () => {
    const doc = source("saved");
    await expect(whenStatus(doc, "synced", "provider", docReached("synced"))).resolves.toBeUndefined();
    await expect(whenStatus(doc, "connected", "provider", docReached("connected"))).resolves.toBeUndefined();
  });

  it("resolves for synced when the document jumps from connecting to saved", async () => {
    const doc = source("connecting");
    const waiting = whenStatus(doc, "synced", "provider", docReached("synced"));
    doc.move("saved");
    await expect(waiting).resolves.toBeUndefined();
  });

  it("does not take offline for synced, and rejects once closed", async () => {
    const doc = source("offline");
    const waiting = whenStatus(doc, "synced", "provider", docReached("synced"));
    doc.move("closed");
    await expect(waiting).rejects.toThrow("provider closed");
  });
});
