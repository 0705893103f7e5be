// Test support: the room's per-connection token bucket (rooms/doc/tokenBucket.ts, close 4429), fed the
// times a client's frames left, to check that a client budget never runs past it.

/** The send times (ms) the room's bucket of `burst` refilling `perSecond` would refuse; empty when none. */
export function refusedByRoomBucket(times: readonly number[], burst: number, perSecond: number): number[] {
  let tokens = burst;
  let last = times[0] ?? 0;
  return times.filter((at) => {
    tokens = Math.min(burst, tokens + ((at - last) * perSecond) / 1000);
    last = at;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  });
}
