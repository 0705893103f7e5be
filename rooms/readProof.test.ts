import { describe, expect, it } from "vitest";
import { ReadProof } from "./readProof.ts";

const limits = { probeAfterBytes: 100, maxUnreadBytes: 1_000 };

/** Sends `frames` frames of `bytes` each, sending a probe of 5 bytes whenever asked; returns the verdicts. */
function sendFrames(proof: ReadProof, frames: number, bytes: number) {
  const verdicts = [];
  for (let i = 0; i < frames; i++) {
    const verdict = proof.sent("c", bytes);
    if (verdict === "probe") proof.probed("c", 5);
    verdicts.push(verdict);
  }
  return verdicts;
}

describe("ReadProof", () => {
  it("probes once the unproven bytes reach the threshold, and not again while that probe is out", () => {
    const proof = new ReadProof(limits);
    expect(sendFrames(proof, 4, 30)).toEqual(["ok", "ok", "ok", "probe"]);
    expect(sendFrames(proof, 10, 30)).toEqual(Array(10).fill("ok"));
  });

  it("closes a connection that never answers once more than maxUnreadBytes went out after the probe", () => {
    const proof = new ReadProof(limits);
    sendFrames(proof, 4, 30); // probe sent after 120 bytes; 125 with the probe
    const verdicts = sendFrames(proof, 40, 30);
    // 33 frames (990 bytes) stay within 1,000 after the probe; the 34th crosses it.
    expect(verdicts.indexOf("close")).toBe(33);
  });

  it("an answer proves everything before its probe: a reading client is never closed", () => {
    const proof = new ReadProof(limits);
    for (let round = 0; round < 100; round++) {
      const verdicts = sendFrames(proof, 10, 30);
      expect(verdicts).not.toContain("close");
      if (verdicts.includes("probe")) proof.answered("c");
    }
  });

  it("a big frame may pass the threshold at once: it is probed after, not closed for", () => {
    const proof = new ReadProof(limits);
    expect(proof.sent("c", 5_000)).toBe("probe");
    proof.probed("c", 5);
    expect(sendFrames(proof, 30, 30)).not.toContain("close");
  });

  it("the answer to something sent outside the budget does not count for a later probe", () => {
    const proof = new ReadProof(limits);
    proof.sent("c", 10);
    proof.expectAnswer("c"); // the room's sync step 1 at connect
    sendFrames(proof, 4, 30); // a probe goes out
    proof.answered("c"); // answers the connect step 1 only: the probe is still out
    expect(sendFrames(proof, 40, 30)).toContain("close");
  });

  it("forgets a connection, and answers from unknown connections change nothing", () => {
    const proof = new ReadProof(limits);
    sendFrames(proof, 4, 30);
    proof.forget("c");
    proof.answered("other");
    expect(sendFrames(proof, 4, 30)).toEqual(["ok", "ok", "ok", "probe"]);
  });
});
