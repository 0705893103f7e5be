import { describe, expect, it } from "vitest";
import { CreationGate } from "./admission.ts";
import type { CreationVerdict } from "./services.ts";

const allowed: CreationVerdict = { isAllowed: true, perMinute: 60, retryAfterSeconds: 0 };
const refused: CreationVerdict = { isAllowed: false, perMinute: 60, retryAfterSeconds: 3 };

/** A room-creation bucket whose answers the test releases by hand, counting who took a token. */
function limiter(answers: Record<string, CreationVerdict>) {
  const taken: string[] = [];
  const pending: (() => void)[] = [];
  const take = (sub: string) => {
    taken.push(sub);
    return new Promise<CreationVerdict>((resolve) => pending.push(() => resolve(answers[sub]!)));
  };
  const releaseAll = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { taken, take, releaseAll };
}

describe("CreationGate: one room-creation token per new room", () => {
  it("sockets arriving while a token is taken wait for it and take none of their own", async () => {
    const gate = new CreationGate();
    const bucket = limiter({ ann: allowed, bob: allowed });
    const verdicts = Promise.all([gate.admit("ann", bucket.take), gate.admit("ann", bucket.take), gate.admit("bob", bucket.take)]);
    await bucket.releaseAll();
    expect(await verdicts).toEqual([allowed, null, null]);
    expect(await gate.admit("bob", bucket.take), "after the grant").toBeNull();
    expect(bucket.taken).toEqual(["ann"]);
  });

  it("a refusal refuses the same user's waiting sockets; another user takes a token of their own", async () => {
    const gate = new CreationGate();
    const bucket = limiter({ ann: refused, bob: allowed });
    const verdicts = Promise.all([gate.admit("ann", bucket.take), gate.admit("ann", bucket.take), gate.admit("bob", bucket.take), gate.admit("cat", bucket.take)]);
    await bucket.releaseAll();
    expect(await verdicts).toEqual([refused, refused, allowed, null]);
    expect(bucket.taken).toEqual(["ann", "bob"]);
  });
});
