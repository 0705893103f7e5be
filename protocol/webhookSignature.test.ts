import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhookSignature.ts";

const SECRET = "a-webhook-secret-of-at-least-32-bytes!";
const BODY = JSON.stringify({ id: "evt-1", type: "room.deleted", at: 1, room: "doc/a", data: {} });
const T = 1_800_000_000; // unix seconds
const NOW = T * 1000;

describe("webhook signatures", () => {
  it("sign as README documents: HMAC-SHA256(secret, `${t}.${body}`) in hex", async () => {
    // printf '%s' "1800000000.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const expected = "6ce20fd24c4d5074a420c197fddcdd6c6794b954023f097daba2fb2689203cf5";
    expect(await signWebhook(BODY, SECRET, T)).toBe(`t=${T},v1=${expected}`);
  });

  it("verifies a good signature, within the tolerance either way", async () => {
    const header = await signWebhook(BODY, SECRET, T);
    expect(await verifyWebhook(BODY, header, SECRET, { now: NOW })).toEqual({ ok: true, timestamp: T });
    expect((await verifyWebhook(BODY, header, SECRET, { now: NOW + 299_000 })).ok).toBe(true);
    expect((await verifyWebhook(BODY, header, SECRET, { now: NOW - 299_000 })).ok).toBe(true);
  });

  it("refuses a tampered body", async () => {
    const header = await signWebhook(BODY, SECRET, T);
    const tampered = BODY.replace("doc/a", "doc/b");
    expect(await verifyWebhook(tampered, header, SECRET, { now: NOW })).toEqual({ ok: false, reason: "signature_mismatch" });
    // Re-serialising a parsed body changes nothing here but may elsewhere: verify the raw text.
    expect(await verifyWebhook(`${BODY} `, header, SECRET, { now: NOW })).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("refuses an old timestamp (a replayed request), and a moved timestamp with the old MAC", async () => {
    const header = await signWebhook(BODY, SECRET, T);
    expect(await verifyWebhook(BODY, header, SECRET, { now: NOW + 301_000 })).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
    expect((await verifyWebhook(BODY, header, SECRET, { now: NOW + 3_600_000, toleranceSeconds: 7_200 })).ok).toBe(true);
    const moved = header.replace(`t=${T}`, `t=${T + 600}`);
    expect(await verifyWebhook(BODY, moved, SECRET, { now: NOW + 600_000 })).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("refuses the wrong secret", async () => {
    const header = await signWebhook(BODY, "another-secret-of-at-least-32-bytes-long", T);
    expect(await verifyWebhook(BODY, header, SECRET, { now: NOW })).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("accepts any matching v1 (a secret rotation), and refuses missing or malformed headers", async () => {
    const good = await signWebhook(BODY, SECRET, T);
    const other = await signWebhook(BODY, "another-secret-of-at-least-32-bytes-long", T);
    expect((await verifyWebhook(BODY, `${other},${good.split(",")[1]}`, SECRET, { now: NOW })).ok).toBe(true);
    expect(await verifyWebhook(BODY, null, SECRET, { now: NOW })).toEqual({ ok: false, reason: "missing_header" });
    for (const bad of ["garbage", `t=${T}`, `v1=${"0".repeat(64)}`, `t=soon,v1=${"0".repeat(64)}`, `t=${T},v1=xyz`]) {
      expect(await verifyWebhook(BODY, bad, SECRET, { now: NOW }), bad).toEqual({ ok: false, reason: "malformed_header" });
    }
  });
});

describe("the webhook secret's minimum", () => {
  it("is the service's rule for every secret (server/secretLength.ts)", async () => {
    const { MIN_SECRET_BYTES } = await import("../server/secretLength.ts");
    const { WEBHOOK_MIN_SECRET_BYTES } = await import("./webhookSignature.ts");
    expect(WEBHOOK_MIN_SECRET_BYTES).toBe(MIN_SECRET_BYTES);
  });
});
