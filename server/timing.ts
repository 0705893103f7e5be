import type { Context, MiddlewareHandler } from "hono";

/** Server-Timing metrics a request may carry: edge (the whole request), auth, room, storage. */
export type TimingMetric = "edge" | "auth" | "room" | "storage";

const TIMINGS = new WeakMap<Request, Map<TimingMetric, number>>();

/** Runs `work` and adds its duration to `metric` for this request's Server-Timing header. */
export async function timed<T>(c: Context, metric: TimingMetric, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const timings = TIMINGS.get(c.req.raw) ?? new Map<TimingMetric, number>();
    TIMINGS.set(c.req.raw, timings);
    timings.set(metric, (timings.get(metric) ?? 0) + performance.now() - started);
  }
}

/**
 * Adds `Server-Timing` to every HTTP response. WebSocket upgrades (101) are left alone: their
 * headers cannot be changed, and a browser never shows them.
 */
export function serverTiming(): MiddlewareHandler {
  return async (c, next) => {
    await timed(c, "edge", next);
    if (c.res.status === 101) return;
    const timings = TIMINGS.get(c.req.raw)!;
    const header = [...timings].map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(", ");
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("Server-Timing", header);
  };
}
