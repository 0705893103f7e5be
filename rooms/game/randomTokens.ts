import type { Randomness } from "../engine/ports.ts";

/**
 * The random hex digits of a v4 UUID: all 32 but the version digit (always 4) and the variant digit
 * (two fixed bits), so 30 digits, 120 bits, each uniform. The room's only randomness is the port's
 * uuid(), so a test's seeded Randomness fixes seeds and tokens too.
 */
function randomHex(random: Randomness): string {
  const hex = random.uuid().replaceAll("-", "");
  return hex.slice(0, 12) + hex.slice(13, 16) + hex.slice(17);
}

/** A match's seed: a uniform unsigned 32-bit integer. */
export function matchSeed(random: Randomness): number {
  return Number.parseInt(randomHex(random).slice(0, 8), 16) >>> 0;
}

/** Bytes of a resume token: 144 bits, as many as a guess must match. */
const RESUME_TOKEN_BYTES = 18;

/** A seat's resume token: RESUME_TOKEN_BYTES random bytes, base64url without padding (24 characters). */
export function resumeToken(random: Randomness): string {
  let hex = "";
  while (hex.length < RESUME_TOKEN_BYTES * 2) hex += randomHex(random);
  const bytes = hex.slice(0, RESUME_TOKEN_BYTES * 2).match(/../g)!.map((pair) => Number.parseInt(pair, 16));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}
